namespace PulsePoint.Billing;

/// <summary>A tenant's AI usage and spend for the current UTC day, as its tenant grain holds it.</summary>
/// <param name="Day">The current UTC day.</param>
/// <param name="Events">AI events today.</param>
/// <param name="TotalTokens">Tokens today, all models.</param>
/// <param name="CostUsd">Priced cost today in USD, all models.</param>
/// <param name="UnpricedEvents">Events today that could not be priced.</param>
/// <param name="PerModel">Today's usage per model.</param>
/// <param name="DailyThresholdUsd">The cost-alert threshold in force (the tenant's, or the configured default).</param>
/// <param name="AlertsToday">The cost alerts raised today, in order.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.CostCounters")]
public sealed record CostCounters(
    DateOnly Day,
    long Events,
    long TotalTokens,
    decimal CostUsd,
    long UnpricedEvents,
    IReadOnlyList<UsageLine> PerModel,
    decimal DailyThresholdUsd,
    IReadOnlyList<CostAlert> AlertsToday);
