using Npgsql;
using NpgsqlTypes;
using PulsePoint.Billing;
using PulsePoint.Storage;

namespace PulsePoint.Events;

/// <summary>
/// The compliance store's SQL, run as the pipeline role (BYPASSRLS: binary COPY is refused under
/// row-level security). Nothing here is tenant-facing; tenants read their events through the
/// application role and RLS.
/// </summary>
public sealed class EventStore(DataSources dataSources, PricingCatalogSource pricing, TimeProvider time)
{
    // The careful path's dedup, in the same transaction as the COPY: only ids this statement inserted are
    // new. ON CONFLICT waits for a concurrent uncommitted insert of the same id, so a retry racing the
    // original cannot both be "new".
    private const string ClaimIdsSql = """
        insert into observability_event_ids (tenant_id, event_id, occurred_at)
        select * from unnest($1::uuid[], $2::uuid[], $3::timestamptz[])
        on conflict do nothing
        returning tenant_id, event_id
        """;

    // The highest position of a shard, also counting its cursors: after retention dropped every row
    // of a shard, new positions must still be above what destinations have acknowledged.
    private const string LastPositionSql = """
        select greatest(
            (select coalesce(max(position), 0) from observability_events where shard = $1),
            (select coalesce(max(position), 0) from event_destination_cursors where shard = $1))
        """;

    private const string ReadAfterSql =
        "select " + EventRows.EventColumns + ", position, ingested_at from observability_events " +
        "where shard = $1 and position > $2 order by position limit $3";

    private const string CreatePartitionsSql = "select observability_events_create_partitions($1, $2)";
    private const string DropPartitionsSql = "select observability_events_drop_partitions($1)";
    private const string DeleteExpiredIdsSql = "delete from observability_event_ids where occurred_at < $1";

    private const string CopyIdsSql = "copy observability_event_ids (tenant_id, event_id, occurred_at) from stdin (format binary)";

    private const string CheckViolation = "23514";
    private const string UniqueViolation = "23505";
    private const string ForeignKeyViolation = "23503";

    /// <summary>
    /// Writes <paramref name="events"/> (unique by tenant and id) in one transaction: prices the AI
    /// events and adds a <c>cost.unpriced</c> warning for each one without a price, claims every id,
    /// COPYs the new events with positions <paramref name="firstPosition"/>, +1, ... in list order
    /// (warnings last), and writes the new AI events' usage rows (see <see cref="WriteOnceAsync"/>). So an
    /// event is stored, billed and warned about together or not at all, and a retry does none of it twice.
    /// Creates a missing daily partition and retries once.
    /// </summary>
    public async Task<EventWrite> WriteAsync(int shard, IReadOnlyList<StructuredEvent> events, long firstPosition, CancellationToken ct)
    {
        var catalog = await pricing.GetAsync(ct);
        var usage = new Dictionary<(Guid, Guid), UsageRecord>();
        var rows = new List<StructuredEvent>(events.Count);
        var warnings = new List<StructuredEvent>();
        foreach (var e in events)
        {
            if (UsageRecord.FromEvent(e, catalog) is not { } record)
            {
                rows.Add(e);
                continue;
            }

            usage[(e.TenantId.Value, e.EventId)] = record;
            if (record.Cost.Unpriced)
            {
                warnings.Add(UnpricedUsagePolicy.ToEvent(e, record));
            }

            // An AI event the caller did not price carries the catalog's cost, so the compliance store,
            // the bus and the warehouse's cost reports agree with ai_token_usage.
            rows.Add(e.CostUsd is null && record.Cost.TotalUsd is { } priced
                ? e with { CostUsd = Math.Round(priced, 8, MidpointRounding.AwayFromZero) }
                : e);
        }

        rows.AddRange(warnings);

        try
        {
            return await WriteOnceAsync(shard, rows, usage, firstPosition, ct);
        }
        catch (PostgresException e) when (e.SqlState == CheckViolation && e.Message.Contains("no partition", StringComparison.Ordinal))
        {
            var days = rows.Select(x => DateOnly.FromDateTime(x.Timestamp.UtcDateTime)).ToArray();
            await CreatePartitionsAsync(days.Min(), days.Max(), ct);
            return await WriteOnceAsync(shard, rows, usage, firstPosition, ct);
        }
    }

    public async Task<long> LastPositionAsync(int shard, CancellationToken ct)
    {
        await using var command = dataSources.Pipeline.CreateCommand(LastPositionSql).Bind(shard);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The shard's committed events after <paramref name="position"/>, in position order.</summary>
    public async Task<IReadOnlyList<CommittedEvent>> ReadAfterAsync(int shard, long position, int limit, CancellationToken ct)
    {
        await using var command = dataSources.Pipeline.CreateCommand(ReadAfterSql).Bind(shard).Bind(position).Bind(limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<CommittedEvent>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new CommittedEvent(EventRows.Read(reader), reader.GetInt64(25), new DateTimeOffset(reader.GetFieldValue<DateTime>(26), TimeSpan.Zero)));
        }

        return rows;
    }

    /// <summary>Creates the daily partitions for [<paramref name="from"/>, <paramref name="to"/>] that are missing.</summary>
    public async Task<int> CreatePartitionsAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var command = dataSources.Pipeline.CreateCommand(CreatePartitionsSql).Bind(from).Bind(to);
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Makes sure events of the accepted time window (7 days back, <paramref name="daysAhead"/> ahead)
    /// have partitions, and drops the partitions (and dedup ids) older than <paramref name="retentionDays"/>.
    /// </summary>
    public async Task<(int Created, int Dropped)> MaintainPartitionsAsync(int retentionDays, int daysAhead, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var created = await CreatePartitionsAsync(today.AddDays(-(int)StructuredEventValidator.MaxAge.TotalDays - 1), today.AddDays(daysAhead), ct);
        var cutoff = today.AddDays(-retentionDays);
        await using var drop = dataSources.Pipeline.CreateCommand(DropPartitionsSql).Bind(cutoff);
        var dropped = (int)(await drop.ExecuteScalarAsync(ct))!;
        await using var deleteIds = dataSources.Pipeline.CreateCommand(DeleteExpiredIdsSql)
            .Bind(new DateTimeOffset(cutoff.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        await deleteIds.ExecuteNonQueryAsync(ct);
        return (created, dropped);
    }

    /// <summary>
    /// The common case first: every id is new, so the ids, the events and the usage rows are each one binary
    /// COPY. A retried id (unique violation) or a usage row naming a brand its tenant does not have (foreign
    /// key violation) fails that transaction as a whole; the flush then claims the ids one by one instead.
    /// </summary>
    private async Task<EventWrite> WriteOnceAsync(
        int shard, IReadOnlyList<StructuredEvent> events, IReadOnlyDictionary<(Guid, Guid), UsageRecord> usage, long firstPosition, CancellationToken ct)
    {
        try
        {
            return await CopyAllAsync(shard, events, usage, firstPosition, ct);
        }
        catch (PostgresException e) when (e.SqlState is UniqueViolation or ForeignKeyViolation)
        {
            return await ClaimAndWriteAsync(shard, events, usage, firstPosition, ct);
        }
    }

    private async Task<EventWrite> CopyAllAsync(
        int shard, IReadOnlyList<StructuredEvent> events, IReadOnlyDictionary<(Guid, Guid), UsageRecord> usage, long firstPosition, CancellationToken ct)
    {
        await using var connection = await dataSources.Pipeline.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var ids = await connection.BeginBinaryImportAsync(CopyIdsSql, ct))
        {
            foreach (var e in events)
            {
                await ids.StartRowAsync(ct);
                await ids.WriteAsync(e.TenantId.Value, NpgsqlDbType.Uuid, ct);
                await ids.WriteAsync(e.EventId, NpgsqlDbType.Uuid, ct);
                await ids.WriteAsync(e.Timestamp.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
            }

            await ids.CompleteAsync(ct);
        }

        await CopyEventsAsync(connection, shard, events, firstPosition, ct);
        var billed = Billed(events, usage);
        var inserted = await UsageLedger.CopyAsync(connection, billed, ct);
        await transaction.CommitAsync(ct);
        return new EventWrite(events, inserted);
    }

    private async Task<EventWrite> ClaimAndWriteAsync(
        int shard, IReadOnlyList<StructuredEvent> events, IReadOnlyDictionary<(Guid, Guid), UsageRecord> usage, long firstPosition, CancellationToken ct)
    {
        await using var connection = await dataSources.Pipeline.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var claimed = new HashSet<(Guid, Guid)>();
        await using (var claim = new NpgsqlCommand(ClaimIdsSql, connection, transaction))
        {
            claim.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.TenantId.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            claim.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.EventId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            claim.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Timestamp.ToUniversalTime()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            await using var reader = await claim.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                claimed.Add((reader.GetGuid(0), reader.GetGuid(1)));
            }
        }

        var fresh = events.Where(e => claimed.Contains((e.TenantId.Value, e.EventId))).ToArray();
        if (fresh.Length > 0)
        {
            await CopyEventsAsync(connection, shard, fresh, firstPosition, ct);
        }

        // Usage rows only for events stored now: a retried event was billed with its original.
        var inserted = await UsageLedger.InsertAsync(connection, transaction, Billed(fresh, usage), ct);
        await transaction.CommitAsync(ct);
        return new EventWrite(fresh, inserted);
    }

    private static async Task CopyEventsAsync(NpgsqlConnection connection, int shard, IReadOnlyList<StructuredEvent> events, long firstPosition, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync(EventRows.CopySql, ct);
        var position = firstPosition;
        foreach (var e in events)
        {
            await EventRows.WriteAsync(copy, e, shard, position++, events.Count, ct);
        }

        await copy.CompleteAsync(ct);
    }

    private static UsageRecord[] Billed(IEnumerable<StructuredEvent> stored, IReadOnlyDictionary<(Guid, Guid), UsageRecord> usage) =>
        stored.Select(e => usage.GetValueOrDefault((e.TenantId.Value, e.EventId))).OfType<UsageRecord>().ToArray();
}
