using PulsePoint.Operators;
using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>
/// The operator's side of a tenant's money (key: the tenant id; the same grain as <see cref="ITenantBillingGrain"/>):
/// the cost-alert threshold and the hard daily budget. An operator interface: a backend service reserves within its
/// budget and reads its counters, but cannot move the limits.
/// </summary>
[Alias("PulsePoint.ITenantBillingAdminGrain")]
public interface ITenantBillingAdminGrain : IOperatorGrain, IGrainWithGuidKey
{
    /// <summary>Sets the daily cost-alert threshold; null uses the configured default (PulsePoint:Billing:DefaultDailyThresholdUsd).</summary>
    /// <exception cref="TenantNotFoundException">The tenant does not exist.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Negative, or more than 12 decimal places.</exception>
    [Alias("SetDailyCostThreshold")]
    Task SetDailyCostThresholdAsync(decimal? dailyCostThresholdUsd);

    /// <summary>Sets the hard daily budget (opt-in); null removes it.</summary>
    /// <exception cref="TenantNotFoundException">The tenant does not exist.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Negative, or more than 12 decimal places.</exception>
    [Alias("SetDailyBudget")]
    Task SetDailyBudgetAsync(decimal? dailyBudgetUsd);
}
