using PulsePoint.Tenancy;

namespace PulsePoint.Brands;

/// <summary>
/// Brand calls are admitted only for an active tenant. The tenant grain answers from memory and is the
/// single owner of the status, so a deactivation stops brand queries from the next call on.
/// </summary>
public static class ActiveTenantCheck
{
    /// <summary>Returns when <paramref name="tenant"/> is active; throws otherwise.</summary>
    /// <exception cref="TenantInactiveException">The tenant is deactivated.</exception>
    /// <exception cref="TenantNotFoundException">The tenant does not exist.</exception>
    public static async Task EnsureActiveAsync(IGrainFactory grains, TenantId tenant)
    {
        switch (await grains.GetGrain<ITenantGrain>(tenant.Value).GetStatusAsync())
        {
            case TenantStatus.Active:
                return;
            case TenantStatus.Inactive:
                throw new TenantInactiveException($"Tenant {tenant} is deactivated.");
            default:
                throw new TenantNotFoundException($"Tenant {tenant} does not exist.");
        }
    }
}
