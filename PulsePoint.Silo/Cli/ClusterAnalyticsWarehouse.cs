using PulsePoint.Analytics;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// The warehouse as a running silo reads it, through <see cref="IAnalyticsGrain"/>: each answer is that silo's
/// <see cref="IAnalyticsWarehouse"/> query. The <c>reconcile</c> verb uses it when the DuckDB file is open in a running
/// silo, since DuckDB admits no second process. Operators' tools call the grain without a tenant scope.
/// </summary>
public sealed class ClusterAnalyticsWarehouse(IGrainFactory grains) : IAnalyticsWarehouse
{
    private IAnalyticsGrain Grain => grains.GetGrain<IAnalyticsGrain>(0);

    /// <inheritdoc />
    public async Task<IReadOnlyList<DailyModelUsage>> DailyModelUsageAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        (await Grain.GetDailyModelUsageAsync(tenant, range)).Rows;

    /// <inheritdoc />
    public async Task<IReadOnlyList<EventTypeAccuracy>> AccuracyAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        (await Grain.GetAccuracyAsync(tenant, range)).Rows;

    /// <inheritdoc />
    public async Task<IReadOnlyList<RouteLatency>> LatencyAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        (await Grain.GetLatencyAsync(tenant, range)).Rows;

    /// <inheritdoc />
    public async Task<IReadOnlyList<(DateOnly Day, decimal CostUsd, long Events)>> DailyCostAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        (await Grain.GetDailyCostAsync(tenant, range)).Rows.Select(d => (d.Day, d.CostUsd, d.Events)).ToList();

    /// <inheritdoc />
    public async Task<IReadOnlyList<EventTypeErrorRate>> ErrorRatesAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        (await Grain.GetErrorRatesAsync(tenant, range)).Rows;
}
