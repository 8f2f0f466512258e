using PulsePoint.Client.Resilience;
using PulsePoint.Tenancy;

namespace PulsePoint.Client;

/// <summary>Shortcuts for the tenant checks every request makes.</summary>
public static class TenantGrainFactoryExtensions
{
    /// <summary>
    /// The status of <paramref name="tenant"/>, answered from the tenant grain's memory; retried through
    /// transient cluster errors (see <see cref="TransientClusterErrors"/>).
    /// </summary>
    public static async Task<TenantStatus> GetTenantStatusAsync(this IGrainFactory grains, TenantId tenant)
    {
        using (TenantScope.Begin(tenant))
        {
            var grain = grains.GetGrain<ITenantGrain>(tenant.Value);
            return await TransientClusterErrors.RetryAsync(async _ => await grain.GetStatusAsync());
        }
    }

    /// <summary>True when <paramref name="tenant"/> exists and is active.</summary>
    public static async Task<bool> IsTenantActiveAsync(this IGrainFactory grains, TenantId tenant) =>
        await grains.GetTenantStatusAsync(tenant) == TenantStatus.Active;
}
