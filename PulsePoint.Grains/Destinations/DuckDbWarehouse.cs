using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PulsePoint.Events;

namespace PulsePoint.Destinations;

/// <summary>
/// The embedded analytics warehouse (destination <c>warehouse</c>): one DuckDB file with one table,
/// <c>observability_events</c>, whose columns carry PostgreSQL's names and the enums' wire names.
/// A batch of new events is appended straight into the table; one that repeats an event (the relay delivers
/// again after any failure) goes through a staging table and <c>insert or ignore</c>, so re-delivering an
/// event never makes a second row. One process writes the file:
/// the first use takes the writer lock, and another process gets <see cref="DuckDbWarehouseLockedException"/>.
/// </summary>
public sealed partial class DuckDbWarehouse(IOptions<DuckDbOptions> options, TimeProvider time, ILogger<DuckDbWarehouse> logger)
    : IEventDestination, IDisposable, IAsyncDisposable
{
    public const string TableName = "observability_events";

    private const string Columns = """
        event_id, request_id, tenant_id, user_id, brand_id, category, event_type, severity, status, "timestamp",
        duration_ms, cpu_time_ms, tokens_used, tokens_input, tokens_output, tokens_cache_read, tokens_cache_write,
        cost_usd, accuracy_score, was_cached, fallback_used, error_code, error_message, ai_model, schema_version,
        budget_reservation_id, attributes
        """;

    // The staging table is temporary (per connection) and has no key: a batch may repeat an event.
    private const string CreateStagingSql = "create temp table if not exists staging_events as select * from observability_events limit 0";

    private const string ClearStagingSql = "delete from staging_events";

    private const string StagingTable = "staging_events";

    private const string CopyStagingSql = $"""
        insert or ignore into observability_events ({Columns})
        select distinct on (event_id) {Columns} from staging_events
        """;

    private const string DeleteOlderThanSql = """delete from observability_events where "timestamp" < $cutoff""";

    // Re-clustering: a sorted copy under the same definition (primary key included) replaces the table in one
    // transaction, so readers see the old table or the new one, never half of it.
    private const string ClusteringTable = "observability_events_clustering";

    private const string DropClusteringSql = $"drop table if exists {ClusteringTable}";

    private const string CreateClusteringSql = $"create table {ClusteringTable} {DuckDbWarehouseFile.TableDefinitionSql}";

    private const string FillClusteringSql = $"""
        insert into {ClusteringTable} ({Columns})
        select {Columns} from observability_events order by tenant_id, "timestamp"
        """;

    private const string DropTableSql = "drop table observability_events";

    private const string RenameClusteringSql = $"alter table {ClusteringTable} rename to observability_events";

    private readonly object _openLock = new();
    private DuckDbWarehouseFile? _file;

    /// <inheritdoc />
    public string Name => "duckdb";

    /// <inheritdoc />
    public TimeSpan BatchDelay => options.Value.BatchDelay;

    /// <inheritdoc />
    public int? MaxBatchSize => options.Value.BatchSize;

    /// <summary>Opens the file and takes the writer lock now, so a second writing process fails at start, not on its first batch.</summary>
    /// <exception cref="DuckDbWarehouseLockedException">Another process writes this file.</exception>
    public void Open() => File();

    /// <inheritdoc />
    public async Task DeliverAsync(IReadOnlyList<StructuredEvent> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var inserted = await WriteAsync(connection => Insert(connection, batch), cancellationToken);
        LogDelivered(logger, batch.Count, inserted);
    }

    /// <summary>
    /// Deletes events older than the retention period (<see cref="DuckDbOptions.RetentionYears"/>) before
    /// now, and returns how many were deleted.
    /// </summary>
    public Task<long> ApplyRetentionAsync(CancellationToken cancellationToken) =>
        DeleteOlderThanAsync(time.GetUtcNow().AddYears(-options.Value.RetentionYears), cancellationToken);

    /// <summary>Deletes events whose timestamp is before <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        long deleted = await WriteAsync(connection =>
        {
            using var delete = connection.CreateCommand();
            delete.CommandText = DeleteOlderThanSql;
            delete.Parameters.Add(new DuckDBParameter("cutoff", cutoff.ToUniversalTime()));
            return delete.ExecuteNonQuery();
        }, cancellationToken);
        LogRetention(logger, deleted, cutoff);
        return deleted;
    }

    /// <summary>
    /// Rewrites the table ordered by (tenant_id, timestamp), so each row group (122,880 rows) holds few tenants and
    /// DuckDB's zone maps (min/max per column and row group) let a one-tenant report skip every other row group
    /// instead of scanning the whole table. Rows written later are appended unordered until the next run (the
    /// writer runs it after each retention cleanup). Holds the write gate for the whole copy: batches wait, none is lost.
    /// </summary>
    /// <returns>The number of rows in the rewritten table.</returns>
    public async Task<long> ClusterAsync(CancellationToken cancellationToken)
    {
        long rows = await WriteAsync(connection =>
        {
            Execute(connection, DropClusteringSql);
            using var transaction = connection.BeginTransaction();
            Execute(connection, CreateClusteringSql);
            var filled = Execute(connection, FillClusteringSql);
            Execute(connection, DropTableSql);
            Execute(connection, RenameClusteringSql);
            transaction.Commit();
            return filled;
        }, cancellationToken);
        // The staging table was made from the old table; it has the same columns, so it stays usable.
        LogClustered(logger, rows);
        return rows;
    }

    /// <summary>
    /// Opens a connection for reading the warehouse in this process (analytics). DuckDB lets no other
    /// process open the file while this one writes it, so readers run inside the writing silo.
    /// The caller disposes the connection.
    /// </summary>
    public async Task<DuckDBConnection> OpenReadConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new DuckDBConnection(File().ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Ends this instance's share of the file; the process's last one releases the writer lock.</summary>
    public void Dispose()
    {
        lock (_openLock)
        {
            _file?.Release();
            _file = null;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private DuckDbWarehouseFile File()
    {
        lock (_openLock)
        {
            return _file ??= DuckDbWarehouseFile.Acquire(options.Value.Path);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the writing connection while holding the write gate, on a thread of its
    /// own: DuckDB's calls block their thread for the whole write (a re-clustering for minutes), and on the
    /// thread pool every grain of this silo would wait behind the warehouse.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<DuckDBConnection, T> work, CancellationToken cancellationToken)
    {
        var file = File();
        await file.Gate.WaitAsync(cancellationToken);
        try
        {
            return await Task.Factory.StartNew(
                () => work(file.Connection), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        finally
        {
            file.Gate.Release();
        }
    }

    /// <summary>
    /// The common case first: a batch of new events, each once, is appended straight into the table. A staging
    /// table costs each delivery fresh column blocks that DuckDB allocates, zeroes and frees again (the largest part
    /// of the warehouse's CPU for small batches in the benchmark). A batch that repeats an id, or that the primary key
    /// refuses because the relay delivers again after a failure, is rolled back and goes through staging with
    /// <c>insert or ignore</c>.
    /// </summary>
    private static int Insert(DuckDBConnection connection, IReadOnlyList<StructuredEvent> batch) =>
        TryAppendNew(connection, batch) ? batch.Count : InsertIgnoringStored(connection, batch);

    private static bool TryAppendNew(DuckDBConnection connection, IReadOnlyList<StructuredEvent> batch)
    {
        if (batch.Select(e => e.EventId).Distinct().Count() != batch.Count)
        {
            return false;
        }

        using var transaction = connection.BeginTransaction();
        try
        {
            using (var appender = connection.CreateAppender(TableName))
            {
                foreach (var e in batch)
                {
                    AppendRow(appender, e);
                }
            }

            transaction.Commit();
            return true;
        }
        catch (DuckDBException)
        {
            // Mostly an event the table already holds. Disposing the transaction rolls the whole batch back; the
            // staging path then inserts what is new, or fails again with the error that is not a duplicate.
            return false;
        }
    }

    private static int InsertIgnoringStored(DuckDBConnection connection, IReadOnlyList<StructuredEvent> batch)
    {
        using var transaction = connection.BeginTransaction();
        Execute(connection, CreateStagingSql);
        Execute(connection, ClearStagingSql);
        using (var appender = connection.CreateAppender(StagingTable))
        {
            foreach (var e in batch)
            {
                AppendRow(appender, e);
            }
        }

        var inserted = Execute(connection, CopyStagingSql);
        Execute(connection, ClearStagingSql);
        transaction.Commit();
        return inserted;
    }

    private static int Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    // The one mapping from an event to a warehouse row; the order is the table's column order (the staging
    // table's too: it is made from the table).
    private static void AppendRow(DuckDBAppender appender, StructuredEvent e) =>
        appender.CreateRow()
            .AppendValue(e.EventId)
            .AppendValue(e.RequestId)
            .AppendValue(e.TenantId.Value)
            .AppendValue(e.UserId)
            .AppendValue(e.BrandId)
            .AppendValue(EventNames.Of(e.Category))
            .AppendValue(e.EventType)
            .AppendValue(EventNames.Of(e.Severity))
            .AppendValue(EventNames.Of(e.Status))
            .AppendValue(e.Timestamp.ToUniversalTime())
            .AppendValue(e.DurationMs)
            .AppendValue(e.CpuTimeMs)
            .AppendValue(e.TokensUsed)
            .AppendValue(e.TokensInput)
            .AppendValue(e.TokensOutput)
            .AppendValue(e.TokensCacheRead)
            .AppendValue(e.TokensCacheWrite)
            .AppendValue(e.CostUsd)
            .AppendValue(e.AccuracyScore)
            .AppendValue(e.WasCached)
            .AppendValue(e.FallbackUsed)
            .AppendValue(e.ErrorCode)
            .AppendValue(e.ErrorMessage)
            .AppendValue(e.AiModel)
            .AppendValue(e.SchemaVersion)
            .AppendValue(e.BudgetReservationId)
            .AppendValue(e.Attributes?.ToJson())
            .EndRow();

    [LoggerMessage(Level = LogLevel.Debug, Message = "DuckDB warehouse: {Delivered} events delivered, {Inserted} new")]
    private static partial void LogDelivered(ILogger logger, int delivered, int inserted);

    [LoggerMessage(Level = LogLevel.Information, Message = "DuckDB warehouse re-clustered by tenant and time: {Rows} rows")]
    private static partial void LogClustered(ILogger logger, long rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "DuckDB warehouse retention: {Deleted} events before {Cutoff} deleted")]
    private static partial void LogRetention(ILogger logger, long deleted, DateTimeOffset cutoff);
}
