using Microsoft.Extensions.Options;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Analytics;

/// <summary>
/// The analytics reports for one tenant: checks the tenant in PostgreSQL (through the tenant-scoped helper, which
/// also gives its daily threshold), answers an empty range without a query, and otherwise asks the warehouse dialect.
/// Shared by <see cref="AnalyticsGrain"/>, the <c>report</c> verb and the <c>/insights</c> page.
/// </summary>
public sealed class TenantAnalytics(IAnalyticsWarehouse warehouse, TenantDatabase database, IOptions<AnalyticsOptions> options)
{
    // RLS and the defensive filter both scope the row to the tenant ($1).
    private const string TenantThresholdSql = "select daily_cost_threshold_usd from tenants where id = $1";

    /// <summary>Daily token usage per model.</summary>
    public Task<AnalyticsAnswer<DailyModelUsage>> DailyModelUsageAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken = default) =>
        AnswerAsync(tenant, range, (_, ct) => warehouse.DailyModelUsageAsync(tenant, range, ct), cancellationToken);

    /// <summary>Accuracy per event type.</summary>
    public Task<AnalyticsAnswer<EventTypeAccuracy>> AccuracyAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken = default) =>
        AnswerAsync(tenant, range, (_, ct) => warehouse.AccuracyAsync(tenant, range, ct), cancellationToken);

    /// <summary>Latency percentiles per route.</summary>
    public Task<AnalyticsAnswer<RouteLatency>> LatencyAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken = default) =>
        AnswerAsync(tenant, range, (_, ct) => warehouse.LatencyAsync(tenant, range, ct), cancellationToken);

    /// <summary>Daily cost with the tenant's threshold.</summary>
    public Task<AnalyticsAnswer<DailyCost>> DailyCostAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken = default) =>
        AnswerAsync<DailyCost>(tenant, range, async (threshold, ct) =>
        {
            var days = await warehouse.DailyCostAsync(tenant, range, ct);
            return (IReadOnlyList<DailyCost>)days.Select(d => new DailyCost(d.Day, d.CostUsd, threshold, d.Events)).ToList();
        }, cancellationToken);

    /// <summary>Error rate per event type.</summary>
    public Task<AnalyticsAnswer<EventTypeErrorRate>> ErrorRatesAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken = default) =>
        AnswerAsync(tenant, range, (_, ct) => warehouse.ErrorRatesAsync(tenant, range, ct), cancellationToken);

    /// <summary>The tenant's daily threshold (its own or the default), or null when the tenant does not exist.</summary>
    public async Task<decimal?> ThresholdAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        var row = await database.ReadAsync(tenant, TenantThresholdSql, bind: null, async (reader, ct) =>
        {
            if (!await reader.ReadAsync(ct))
            {
                return (Found: false, Threshold: (decimal?)null);
            }

            return (Found: true, Threshold: reader.IsDBNull(0) ? (decimal?)null : reader.GetDecimal(0));
        }, cancellationToken);
        return row.Found ? row.Threshold ?? options.Value.DefaultDailyThresholdUsd : null;
    }

    private async Task<AnalyticsAnswer<T>> AnswerAsync<T>(
        TenantId tenant,
        AnalyticsRange range,
        Func<decimal, CancellationToken, Task<IReadOnlyList<T>>> query,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(range);
        if (await ThresholdAsync(tenant, cancellationToken) is not { } threshold)
        {
            return new AnalyticsAnswer<T>(tenant, range, AnalyticsOutcome.UnknownTenant, []);
        }

        if (range.IsEmpty)
        {
            return new AnalyticsAnswer<T>(tenant, range, AnalyticsOutcome.NoEvents, []);
        }

        var rows = await query(threshold, cancellationToken);
        return new AnalyticsAnswer<T>(tenant, range, rows.Count == 0 ? AnalyticsOutcome.NoEvents : AnalyticsOutcome.Rows, rows);
    }
}
