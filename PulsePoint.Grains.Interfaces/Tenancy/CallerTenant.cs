namespace PulsePoint.Tenancy;

/// <summary>
/// Reads and writes the caller's tenant in Orleans <c>RequestContext</c>. The value there is untrusted
/// input: anything that is not a canonical tenant UUID is treated as "no tenant".
/// </summary>
public static class CallerTenant
{
    /// <summary>The <c>RequestContext</c> key that carries the caller's tenant id.</summary>
    public const string RequestContextKey = "pulsepoint-tenant";

    /// <summary>The caller's tenant from <c>RequestContext</c>, or null when absent or malformed.</summary>
    public static TenantId? Current =>
        RequestContext.Get(RequestContextKey) is string text && TenantId.TryParse(text, out var id) ? id : null;

    /// <summary>Sets the caller's tenant for grain calls made from the current async flow.</summary>
    public static void Set(TenantId tenant) => RequestContext.Set(RequestContextKey, tenant.ToString());

    /// <summary>Removes the caller's tenant from the current async flow.</summary>
    public static void Clear() => RequestContext.Remove(RequestContextKey);
}
