namespace PulsePoint.Billing;

/// <summary>A tenant's money settings as its row and its spend limits hold them.</summary>
/// <param name="DailyCostThresholdUsd">The daily cost-alert threshold; null: the configured default.</param>
/// <param name="DailyBudgetUsd">The hard daily budget; null: none.</param>
/// <param name="TimeZone">The IANA time zone the spend limits count days and months in.</param>
/// <param name="Limits">The spend limits, by scope, subject and period.</param>
public sealed record BillingSettings(decimal? DailyCostThresholdUsd, decimal? DailyBudgetUsd, string TimeZone, IReadOnlyList<SpendLimit> Limits);
