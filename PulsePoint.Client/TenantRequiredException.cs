namespace PulsePoint.Client;

/// <summary>
/// An event or call needs a tenant, but none was given and the code runs outside any <see cref="TenantScope"/>
/// (e.g. a background job, or an endpoint not behind <c>UsePulsePointTenancy()</c>).
/// </summary>
public sealed class TenantRequiredException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="operation"/>.</summary>
    public TenantRequiredException(string operation)
        : base($"{operation} needs a tenant: pass one, or call inside TenantScope.Begin(tenant) (UsePulsePointTenancy() does this for HTTP requests).")
    {
    }
}
