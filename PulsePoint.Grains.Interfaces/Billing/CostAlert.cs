using PulsePoint.Events;

namespace PulsePoint.Billing;

/// <summary>A tenant's spend crossed a fraction of its daily threshold; raised at most once per fraction per UTC day.</summary>
/// <param name="Day">The UTC day.</param>
/// <param name="Fraction">The fraction of the threshold crossed, e.g. 0.8.</param>
/// <param name="ThresholdUsd">The daily threshold in force.</param>
/// <param name="SpendUsd">The day's spend when the alert was raised.</param>
/// <param name="Severity">WARNING below 100 %, ERROR at 100 % and above.</param>
/// <param name="EventId">The id of the <c>cost.alert</c> event; derived from tenant, day and fraction, so a re-send is deduplicated.</param>
/// <param name="RaisedAt">When the alert was raised.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.CostAlert")]
public sealed record CostAlert(
    DateOnly Day,
    decimal Fraction,
    decimal ThresholdUsd,
    decimal SpendUsd,
    EventSeverity Severity,
    Guid EventId,
    DateTimeOffset RaisedAt);
