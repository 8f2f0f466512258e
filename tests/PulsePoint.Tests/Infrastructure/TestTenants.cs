using PulsePoint.Billing;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.Infrastructure;

/// <summary>
/// Creates and configures tenants the way production does: through their grains' operator interfaces, from a client
/// that signs operator calls (the test clusters' clients do, as operator tools).
/// </summary>
public static class TestTenants
{
    public static async Task<TenantId> CreateAsync(IGrainFactory grains, string name = "Test tenant")
    {
        var tenant = TenantId.New();
        await grains.GetGrain<ITenantAdminGrain>(tenant.Value).CreateAsync(name);
        return tenant;
    }

    /// <summary>Sets the tenant's hard daily budget (null removes it).</summary>
    public static Task SetDailyBudgetAsync(IGrainFactory grains, TenantId tenant, decimal? dailyBudgetUsd) =>
        grains.GetGrain<ITenantBillingAdminGrain>(tenant.Value).SetDailyBudgetAsync(dailyBudgetUsd);

    /// <summary>Sets the tenant's daily cost-alert threshold (null: the configured default).</summary>
    public static Task SetDailyCostThresholdAsync(IGrainFactory grains, TenantId tenant, decimal? dailyCostThresholdUsd) =>
        grains.GetGrain<ITenantBillingAdminGrain>(tenant.Value).SetDailyCostThresholdAsync(dailyCostThresholdUsd);
}
