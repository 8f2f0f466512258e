using PulsePoint.Client;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.Infrastructure;

/// <summary>Creates tenants the way production does: through their tenant grain.</summary>
public static class TestTenants
{
    public static async Task<TenantId> CreateAsync(IGrainFactory grains, string name = "Test tenant")
    {
        var tenant = TenantId.New();
        using (TenantScope.Begin(tenant))
        {
            await grains.GetGrain<ITenantGrain>(tenant.Value).CreateAsync(name);
        }

        return tenant;
    }
}
