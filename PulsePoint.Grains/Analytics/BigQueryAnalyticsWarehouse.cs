using Microsoft.Extensions.Options;
using PulsePoint.Destinations;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Analytics;

/// <summary>
/// The analytics queries in BigQuery's GoogleSQL, run through <c>jobs.query</c> on the tenant's own dataset
/// (<c>`project.&lt;prefix&gt;&lt;uuid&gt;.observability_events`</c>, the path made only by <see cref="BigQueryIdentifiers"/>
/// from the validated <see cref="TenantId"/>; BigQuery cannot bind a table name). Every value is a named
/// <c>@parameter</c>; the tenant filter is repeated inside the tenant's own table as a second guard.
/// Days are <c>DATE(timestamp)</c>, whose default time zone is UTC. Percentiles are
/// <c>APPROX_QUANTILES(duration_ms, 100)[OFFSET(k)]</c>: approximate (BigQuery's sketch, bounded error),
/// unlike DuckDB's exact <c>quantile_cont</c>, so the two dialects may differ slightly on the same events.
/// A dataset or table that does not exist yet (no event of the tenant ever delivered) answers no rows.
/// </summary>
public sealed class BigQueryAnalyticsWarehouse(BigQueryQueryClient client, IOptions<BigQueryOptions> options) : IAnalyticsWarehouse
{
    private const string InRange = "tenant_id = @tenant AND `timestamp` >= @from AND `timestamp` < @to";

    /// <summary>Usage per UTC day and model; <paramref name="table"/> is a path from <see cref="BigQueryIdentifiers"/>.</summary>
    public static string DailyModelUsageSql(string table) => $"""
        SELECT DATE(`timestamp`) AS day,
               ai_model,
               COALESCE(SUM(tokens_input), 0) AS input_tokens,
               COALESCE(SUM(tokens_output), 0) AS output_tokens,
               COALESCE(SUM(COALESCE(tokens_used,
                   COALESCE(tokens_input, 0) + COALESCE(tokens_output, 0) + COALESCE(tokens_cache_read, 0) + COALESCE(tokens_cache_write, 0))), 0) AS total_tokens,
               COALESCE(SUM(cost_usd), 0) AS cost_usd,
               AVG(duration_ms) AS avg_duration_ms,
               COUNT(*) AS operations
        FROM {table}
        WHERE {InRange} AND category = @category
        GROUP BY day, ai_model
        ORDER BY day, ai_model ASC NULLS FIRST
        """;

    /// <summary>Accuracy per event type.</summary>
    public static string AccuracySql(string table) => $"""
        SELECT event_type, COUNT(*) AS events, AVG(accuracy_score) AS average, MIN(accuracy_score) AS minimum, MAX(accuracy_score) AS maximum
        FROM {table}
        WHERE {InRange} AND accuracy_score IS NOT NULL
        GROUP BY event_type
        ORDER BY events DESC, event_type
        """;

    /// <summary>Approximate latency percentiles per route: 100 quantiles computed once per route, three of them read.</summary>
    public static string LatencySql(string table) => $"""
        SELECT event_type,
               events,
               ROUND(quantiles[OFFSET(50)], 3) AS p50,
               ROUND(quantiles[OFFSET(95)], 3) AS p95,
               ROUND(quantiles[OFFSET(99)], 3) AS p99
        FROM (
            SELECT event_type, COUNT(*) AS events, APPROX_QUANTILES(duration_ms, 100) AS quantiles
            FROM {table}
            WHERE {InRange} AND category = @category AND duration_ms IS NOT NULL
            GROUP BY event_type)
        ORDER BY event_type
        """;

    /// <summary>
    /// Billed AI spend per UTC day: the cost of AI events, which equals the ledger's. Other events' costs
    /// (a caller-reported cost, a cost alert's level of spend) are not spend.
    /// </summary>
    public static string DailyCostSql(string table) => $"""
        SELECT DATE(`timestamp`) AS day, SUM(cost_usd) AS cost_usd, COUNT(*) AS events
        FROM {table}
        WHERE {InRange} AND category = @category AND cost_usd IS NOT NULL
        GROUP BY day
        ORDER BY day
        """;

    /// <summary>Events and errors per event type.</summary>
    public static string ErrorRatesSql(string table) => $"""
        SELECT event_type, COUNT(*) AS events, COUNTIF(status = @failure OR severity = @error OR severity = @critical) AS errors
        FROM {table}
        WHERE {InRange}
        GROUP BY event_type
        ORDER BY event_type
        """;

    /// <inheritdoc />
    public Task<IReadOnlyList<DailyModelUsage>> DailyModelUsageAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        QueryAsync(DailyModelUsageSql, tenant, range, [BigQueryParameter.String("category", EventNames.Of(EventCategory.AiOperations))], (r, i) => new DailyModelUsage(
            Required(r.GetDate(i, "day"), "day"),
            r.GetString(i, "ai_model"),
            Required(r.GetInt64(i, "input_tokens"), "input_tokens"),
            Required(r.GetInt64(i, "output_tokens"), "output_tokens"),
            Required(r.GetInt64(i, "total_tokens"), "total_tokens"),
            Required(r.GetNumeric(i, "cost_usd"), "cost_usd"),
            r.GetFloat64(i, "avg_duration_ms"),
            Required(r.GetInt64(i, "operations"), "operations")), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventTypeAccuracy>> AccuracyAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        QueryAsync(AccuracySql, tenant, range, [], (r, i) => new EventTypeAccuracy(
            Required(r.GetString(i, "event_type"), "event_type"),
            Required(r.GetInt64(i, "events"), "events"),
            Required(r.GetFloat64(i, "average"), "average"),
            Required(r.GetFloat64(i, "minimum"), "minimum"),
            Required(r.GetFloat64(i, "maximum"), "maximum")), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RouteLatency>> LatencyAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        QueryAsync(LatencySql, tenant, range, [BigQueryParameter.String("category", EventNames.Of(EventCategory.ApiLifecycle))], (r, i) => new RouteLatency(
            Required(r.GetString(i, "event_type"), "event_type"),
            Required(r.GetInt64(i, "events"), "events"),
            Required(r.GetFloat64(i, "p50"), "p50"),
            Required(r.GetFloat64(i, "p95"), "p95"),
            Required(r.GetFloat64(i, "p99"), "p99")), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<(DateOnly Day, decimal CostUsd, long Events)>> DailyCostAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        QueryAsync(DailyCostSql, tenant, range, [BigQueryParameter.String("category", EventNames.Of(EventCategory.AiOperations))], (r, i) => (
            Required(r.GetDate(i, "day"), "day"),
            Required(r.GetNumeric(i, "cost_usd"), "cost_usd"),
            Required(r.GetInt64(i, "events"), "events")), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventTypeErrorRate>> ErrorRatesAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        QueryAsync(ErrorRatesSql, tenant, range,
            [
                BigQueryParameter.String("failure", EventNames.Of(EventStatus.Failure)),
                BigQueryParameter.String("error", EventNames.Of(EventSeverity.Error)),
                BigQueryParameter.String("critical", EventNames.Of(EventSeverity.Critical)),
            ],
            (r, i) => new EventTypeErrorRate(
                Required(r.GetString(i, "event_type"), "event_type"),
                Required(r.GetInt64(i, "events"), "events"),
                Required(r.GetInt64(i, "errors"), "errors")), cancellationToken);

    private async Task<IReadOnlyList<T>> QueryAsync<T>(
        Func<string, string> sql,
        TenantId tenant,
        AnalyticsRange range,
        IReadOnlyList<BigQueryParameter> extra,
        Func<BigQueryQueryResult, int, T> map,
        CancellationToken cancellationToken)
    {
        var dataset = BigQueryIdentifiers.DatasetOf(options.Value.DatasetPrefix, tenant);
        var table = BigQueryIdentifiers.QuotedTableOf(options.Value, tenant);
        BigQueryParameter[] parameters =
        [
            BigQueryParameter.String("tenant", tenant.ToString()),
            BigQueryParameter.Timestamp("from", range.From),
            BigQueryParameter.Timestamp("to", range.To),
            .. extra,
        ];
        BigQueryQueryResult result;
        try
        {
            result = await client.QueryAsync(sql(table), parameters, cancellationToken);
        }
        catch (BigQueryException e) when (e.Reason == "notFound" && e.Message.Contains(dataset, StringComparison.Ordinal))
        {
            // The destination creates the dataset and table on the tenant's first delivered event: none yet, no events.
            // Only a notFound naming this tenant's dataset (or its table) counts; a missing project stays an error.
            return [];
        }

        var rows = new List<T>(result.Rows.Count);
        for (var i = 0; i < result.Rows.Count; i++)
        {
            rows.Add(map(result, i));
        }

        return rows;
    }

    private static TValue Required<TValue>(TValue? value, string column)
        where TValue : struct =>
        value ?? throw new FormatException($"BigQuery answered NULL in the non-null column '{column}'.");

    private static string Required(string? value, string column) =>
        value ?? throw new FormatException($"BigQuery answered NULL in the non-null column '{column}'.");
}
