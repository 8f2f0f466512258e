using System.Data.Common;
using DuckDB.NET.Data;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Analytics;

/// <summary>
/// The analytics queries in DuckDB's dialect, on the embedded warehouse's <c>observability_events</c> table.
/// Every value is a bound <c>$name</c> parameter. Days are UTC days (<c>timezone('UTC', ts)</c>, independent of
/// the connection's TimeZone setting). Percentiles are <c>quantile_cont</c>: exact, linear interpolation between
/// the two nearest ranks (position <c>(n - 1) p</c>, like PostgreSQL's <c>percentile_cont</c>), rounded to 0.001 ms.
/// </summary>
/// <param name="openConnection">
/// Opens a read connection. Inside the silo that writes the file it is <c>DuckDbWarehouse.OpenReadConnectionAsync</c>
/// (a second connection to the same in-process database: DuckDB refuses a second process while one writes);
/// the <c>report</c> verb opens the file read-only when no silo writes it.
/// </param>
public sealed class DuckDbAnalyticsWarehouse(Func<CancellationToken, Task<DuckDBConnection>> openConnection) : IAnalyticsWarehouse
{
    // Casts make each parameter a typed constant, so DuckDB compares the columns as they are stored.
    private const string InRange = """tenant_id = cast($tenant as uuid) and "timestamp" >= cast($from as timestamptz) and "timestamp" < cast($to as timestamptz)""";

    public const string DailyModelUsageSql = $"""
        select cast(timezone('UTC', "timestamp") as date) as day,
               ai_model,
               cast(coalesce(sum(tokens_input), 0) as bigint) as input_tokens,
               cast(coalesce(sum(tokens_output), 0) as bigint) as output_tokens,
               cast(coalesce(sum(coalesce(tokens_used,
                   coalesce(tokens_input, 0) + coalesce(tokens_output, 0) + coalesce(tokens_cache_read, 0) + coalesce(tokens_cache_write, 0))), 0) as bigint) as total_tokens,
               coalesce(sum(cost_usd), 0) as cost_usd,
               avg(duration_ms) as avg_duration_ms,
               count(*) as operations
        from observability_events
        where {InRange} and category = $category
        group by all
        order by day, ai_model nulls first
        """;

    public const string AccuracySql = $"""
        select event_type, count(*) as events, avg(accuracy_score), min(accuracy_score), max(accuracy_score)
        from observability_events
        where {InRange} and accuracy_score is not null
        group by event_type
        order by events desc, event_type
        """;

    public const string LatencySql = $"""
        select event_type, count(*),
               round(quantile_cont(duration_ms, 0.50), 3),
               round(quantile_cont(duration_ms, 0.95), 3),
               round(quantile_cont(duration_ms, 0.99), 3)
        from observability_events
        where {InRange} and category = $category and duration_ms is not null
        group by event_type
        order by event_type
        """;

    // Billed AI spend: the cost of AI events, which equals the ledger's. Other events' costs (a caller-reported
    // cost, a cost alert's level of spend) are not spend.
    public const string DailyCostSql = $"""
        select cast(timezone('UTC', "timestamp") as date) as day, sum(cost_usd), count(*)
        from observability_events
        where {InRange} and category = $category and cost_usd is not null
        group by day
        order by day
        """;

    public const string ErrorRatesSql = $"""
        select event_type, count(*),
               count(*) filter (where status = $failure or severity = $error or severity = $critical)
        from observability_events
        where {InRange}
        group by event_type
        order by event_type
        """;

    /// <inheritdoc />
    public Task<IReadOnlyList<DailyModelUsage>> DailyModelUsageAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        QueryAsync(DailyModelUsageSql, tenant, range, [("category", EventNames.Of(EventCategory.AiOperations))], r => new DailyModelUsage(
            DateOnly.FromDateTime(r.GetDateTime(0)),
            r.IsDBNull(1) ? null : r.GetString(1),
            r.GetInt64(2),
            r.GetInt64(3),
            r.GetInt64(4),
            r.GetDecimal(5),
            r.IsDBNull(6) ? null : r.GetDouble(6),
            r.GetInt64(7)), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventTypeAccuracy>> AccuracyAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        QueryAsync(AccuracySql, tenant, range, [], r => new EventTypeAccuracy(
            r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4)), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RouteLatency>> LatencyAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        QueryAsync(LatencySql, tenant, range, [("category", EventNames.Of(EventCategory.ApiLifecycle))], r => new RouteLatency(
            r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4)), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<(DateOnly Day, decimal CostUsd, long Events)>> DailyCostAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        QueryAsync(DailyCostSql, tenant, range, [("category", EventNames.Of(EventCategory.AiOperations))],
            r => (DateOnly.FromDateTime(r.GetDateTime(0)), r.GetDecimal(1), r.GetInt64(2)), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventTypeErrorRate>> ErrorRatesAsync(TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken) =>
        QueryAsync(ErrorRatesSql, tenant, range,
            [("failure", EventNames.Of(EventStatus.Failure)), ("error", EventNames.Of(EventSeverity.Error)), ("critical", EventNames.Of(EventSeverity.Critical))],
            r => new EventTypeErrorRate(r.GetString(0), r.GetInt64(1), r.GetInt64(2)), cancellationToken);

    private async Task<IReadOnlyList<T>> QueryAsync<T>(
        string sql,
        TenantId tenant,
        AnalyticsRange range,
        IReadOnlyList<(string Name, object Value)> extra,
        Func<DbDataReader, T> map,
        CancellationToken cancellationToken)
    {
        await using var connection = await openConnection(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add(new DuckDBParameter("tenant", tenant.Value));
        command.Parameters.Add(new DuckDBParameter("from", range.From));
        command.Parameters.Add(new DuckDBParameter("to", range.To));
        foreach (var (name, value) in extra)
        {
            command.Parameters.Add(new DuckDBParameter(name, value));
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}
