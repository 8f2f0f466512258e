using PulsePoint.Operators;
using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>
/// The operator's side of a tenant's money (key: the tenant id; the same grain as <see cref="ITenantBillingGrain"/>):
/// the cost-alert threshold, the hard daily budget, the spend limits and their time zone. An operator interface: a backend service reserves within its
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

    /// <summary>Sets (adds or replaces) the limit of <paramref name="limit"/>'s scope, subject and period.</summary>
    /// <exception cref="TenantNotFoundException">The tenant does not exist.</exception>
    /// <exception cref="ArgumentException">The limit is not one that can be set (see <see cref="SpendLimits.Problem"/>), or the tenant has <see cref="SpendLimits.MaxPerTenant"/> already.</exception>
    [Alias("SetSpendLimit")]
    Task SetSpendLimitAsync(SpendLimit limit);

    /// <summary>Removes a limit; false when there was none.</summary>
    [Alias("RemoveSpendLimit")]
    Task<bool> RemoveSpendLimitAsync(SpendScope scope, string subject, SpendPeriod period);

    /// <summary>The tenant's spend limits and the time zone their days and months are in.</summary>
    [Alias("ListSpendLimits")]
    Task<(string TimeZone, IReadOnlyList<SpendLimit> Limits)> ListSpendLimitsAsync();

    /// <summary>Sets the IANA time zone (e.g. <c>Europe/Berlin</c>) whose days and months the spend limits count in.</summary>
    /// <exception cref="TenantNotFoundException">The tenant does not exist.</exception>
    /// <exception cref="ArgumentException">No such time zone here.</exception>
    [Alias("SetTimeZone")]
    Task SetTimeZoneAsync(string timeZone);
}
