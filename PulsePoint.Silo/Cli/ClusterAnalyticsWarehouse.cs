using PulsePoint.Analytics;
using PulsePoint.Client;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// The warehouse as a running silo reads it, through <see cref="IAnalyticsGrain"/>: each answer is that silo's
/// <see cref="IAnalyticsWarehouse"/> query. The <c>reconcile</c> verb uses it when the DuckDB file is open in a running
/// silo, since DuckDB admits no second process. Each call is made inside the tenant's <see cref="TenantScope"/>, as the
/// grain admits only a caller asking about its own tenant.
/// </summary>
public sealed class ClusterAnalyticsWarehouse(IGrainFactory grains) : IAnalyticsWarehouse
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<DailyModelUsage>> DailyModelUsageAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        (await AskAsync(tenant, g => g.GetDailyModelUsageAsync(tenant, range))).Rows;

    /// <inheritdoc />
    public async Task<IReadOnlyList<EventTypeAccuracy>> AccuracyAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        (await AskAsync(tenant, g => g.GetAccuracyAsync(tenant, range))).Rows;

    /// <inheritdoc />
    public async Task<IReadOnlyList<RouteLatency>> LatencyAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        (await AskAsync(tenant, g => g.GetLatencyAsync(tenant, range))).Rows;

    /// <inheritdoc />
    public async Task<IReadOnlyList<(DateOnly Day, decimal CostUsd, long Events)>> DailyCostAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        (await AskAsync(tenant, g => g.GetDailyCostAsync(tenant, range))).Rows.Select(d => (d.Day, d.CostUsd, d.Events)).ToList();

    /// <inheritdoc />
    public async Task<IReadOnlyList<EventTypeErrorRate>> ErrorRatesAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        (await AskAsync(tenant, g => g.GetErrorRatesAsync(tenant, range))).Rows;

    private async Task<T> AskAsync<T>(TenantId tenant, Func<IAnalyticsGrain, Task<T>> ask)
    {
        using (TenantScope.Begin(tenant))
        {
            return await ask(grains.GetGrain<IAnalyticsGrain>(0));
        }
    }
}
