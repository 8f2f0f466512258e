using PulsePoint.Tenancy;

namespace PulsePoint.Analytics;

/// <summary>
/// One warehouse dialect of the analytics queries (DuckDB or BigQuery). Each method reads one tenant's events in
/// <c>[range.From, range.To)</c> with every value bound; the range is never empty here and the tenant exists.
/// </summary>
public interface IAnalyticsWarehouse
{
    /// <summary>Daily token usage per model, ordered by day then model.</summary>
    Task<IReadOnlyList<DailyModelUsage>> DailyModelUsageAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken);

    /// <summary>Accuracy per event type, ordered by count descending then event type.</summary>
    Task<IReadOnlyList<EventTypeAccuracy>> AccuracyAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken);

    /// <summary>Latency percentiles per route, ordered by route.</summary>
    Task<IReadOnlyList<RouteLatency>> LatencyAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken);

    /// <summary>Cost and costed events per UTC day, ordered by day.</summary>
    Task<IReadOnlyList<(DateOnly Day, decimal CostUsd, long Events)>> DailyCostAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken);

    /// <summary>Events and errors per event type, ordered by event type.</summary>
    Task<IReadOnlyList<EventTypeErrorRate>> ErrorRatesAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken);
}
