using PulsePoint.Tenancy;

namespace PulsePoint.Analytics;

/// <summary>
/// Runs the analytics reports against the configured warehouse (DuckDB or BigQuery), each scoped to one
/// tenant with every value bound. A stateless worker: use key 0. The caller asks inside the tenant's scope
/// (<c>TenantScope</c>), and only about that tenant; a call without a scope is refused.
/// </summary>
[Alias("PulsePoint.IAnalyticsGrain")]
public interface IAnalyticsGrain : IGrainWithIntegerKey
{
    /// <summary>Daily token usage and cost per AI model, ordered by day then model.</summary>
    [Alias("GetDailyModelUsage")]
    Task<AnalyticsAnswer<DailyModelUsage>> GetDailyModelUsageAsync(TenantId tenant, AnalyticsRange range);

    /// <summary>Accuracy per event type over events with a score, ordered by count (descending) then event type.</summary>
    [Alias("GetAccuracy")]
    Task<AnalyticsAnswer<EventTypeAccuracy>> GetAccuracyAsync(TenantId tenant, AnalyticsRange range);

    /// <summary>Latency p50/p95/p99 per API route (event type of <c>api.lifecycle</c> events), ordered by route.</summary>
    [Alias("GetLatency")]
    Task<AnalyticsAnswer<RouteLatency>> GetLatencyAsync(TenantId tenant, AnalyticsRange range);

    /// <summary>Cost per UTC day with the tenant's daily threshold, ordered by day.</summary>
    [Alias("GetDailyCost")]
    Task<AnalyticsAnswer<DailyCost>> GetDailyCostAsync(TenantId tenant, AnalyticsRange range);

    /// <summary>Error rate per event type, ordered by event type.</summary>
    [Alias("GetErrorRates")]
    Task<AnalyticsAnswer<EventTypeErrorRate>> GetErrorRatesAsync(TenantId tenant, AnalyticsRange range);
}
