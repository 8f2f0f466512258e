using PulsePoint.Tenancy;

namespace PulsePoint.Client;

/// <summary>
/// The ambient tenant of the current async flow. Grain calls made inside a scope carry its tenant to
/// the cluster (see <see cref="TenantPropagationFilter"/>), and tenant-keyed grains refuse calls from
/// any other tenant.
/// </summary>
/// <example>
/// <code>
/// using (TenantScope.Begin(tenantId))
/// {
///     var status = await grains.GetGrain&lt;ITenantGrain&gt;(tenantId.Value).GetStatusAsync();
/// }
/// </code>
/// </example>
public static class TenantScope
{
    private static readonly AsyncLocal<TenantId?> CurrentTenant = new();

    /// <summary>The tenant of the current async flow, or null outside any scope.</summary>
    public static TenantId? Current => CurrentTenant.Value;

    /// <summary>Enters a scope for <paramref name="tenant"/>; disposing it restores the previous tenant.</summary>
    public static IDisposable Begin(TenantId tenant)
    {
        var previous = CurrentTenant.Value;
        CurrentTenant.Value = tenant;
        return new Restore(previous);
    }

    /// <summary>Validates <paramref name="tenantId"/> (a canonical UUID) and enters a scope for it.</summary>
    /// <exception cref="InvalidTenantIdException">The text is not a tenant id.</exception>
    public static IDisposable Begin(string tenantId) => Begin(TenantId.Parse(tenantId));

    private sealed class Restore(TenantId? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                CurrentTenant.Value = previous;
                _disposed = true;
            }
        }
    }
}
