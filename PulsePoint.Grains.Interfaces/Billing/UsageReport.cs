namespace PulsePoint.Billing;

/// <summary>A tenant's AI usage per UTC day and model over a date range, read from PostgreSQL.</summary>
/// <param name="From">First UTC day, inclusive.</param>
/// <param name="To">Last UTC day, inclusive.</param>
/// <param name="Rows">One row per day and model that had usage, ordered by day then model.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.UsageReport")]
public sealed record UsageReport(DateOnly From, DateOnly To, IReadOnlyList<UsageLine> Rows);
