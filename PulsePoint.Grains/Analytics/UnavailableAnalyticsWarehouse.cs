using PulsePoint.Destinations;
using PulsePoint.Tenancy;

namespace PulsePoint.Analytics;

/// <summary>Stands in when the configured warehouse has no analytics dialect (None): every report says so instead of failing on a missing service.</summary>
internal sealed class UnavailableAnalyticsWarehouse(WarehouseDestinationKind kind) : IAnalyticsWarehouse
{
    public Task<IReadOnlyList<DailyModelUsage>> DailyModelUsageAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) => Refuse<DailyModelUsage>();

    public Task<IReadOnlyList<EventTypeAccuracy>> AccuracyAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) => Refuse<EventTypeAccuracy>();

    public Task<IReadOnlyList<RouteLatency>> LatencyAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) => Refuse<RouteLatency>();

    public Task<IReadOnlyList<(DateOnly Day, decimal CostUsd, long Events)>> DailyCostAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        Refuse<(DateOnly, decimal, long)>();

    public Task<IReadOnlyList<EventTypeErrorRate>> ErrorRatesAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) => Refuse<EventTypeErrorRate>();

    private Task<IReadOnlyList<T>> Refuse<T>() => Task.FromException<IReadOnlyList<T>>(new InvalidOperationException(kind == WarehouseDestinationKind.None
        ? "Analytics need a warehouse, and PulsePoint:Destinations:Warehouse is None: set it to DuckDb or BigQuery."
        : $"Analytics on PulsePoint:Destinations:Warehouse={kind} have no dialect: only DuckDb and BigQuery exist."));
}
