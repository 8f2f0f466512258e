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

    // The shard's last committed position; on its first use the row is seeded with the highest position in
    // the events and in the destinations' cursors (a database from before 0007 carries on where it
    // stopped; after retention dropped every row of a shard, positions still stay above what destinations
    // have acknowledged). The select does not see the row the insert adds, hence the union.
    private const string LastPositionSql = """
        with seeded as (
            insert into event_shard_positions (shard, position)
            select $1, greatest(
                (select coalesce(max(position), 0) from observability_events where shard = $1),
                (select coalesce(max(position), 0) from event_destination_cursors where shard = $1))
            on conflict (shard) do nothing
            returning position)
        select position from seeded
        union all
        select position from event_shard_positions where shard = $1
        limit 1
        """;

    // A flush's last statement before its commit (see 0007): moves the shard from $2 to $3 or fails with
    // PositionsTaken; returns the transaction id.
    private const string AdvanceSql = "select event_shard_positions_advance($1, $2, $3)";

    private const string ClaimNewIdsSql = """
        insert into observability_event_ids (tenant_id, event_id, occurred_at)
        select * from unnest($1::uuid[], $2::uuid[], $3::timestamptz[])
        """;

    private const string ReadAfterSql =
        "select " + EventRows.EventColumns + ", position, ingested_at from observability_events " +
        "where shard = $1 and position > $2 order by position limit $3";

    private const string CreatePartitionsSql = "select observability_events_create_partitions($1, $2)";
    private const string DropPartitionsSql = "select observability_events_drop_partitions($1)";
    private const string DeleteExpiredIdsSql = "delete from observability_event_ids where occurred_at < $1";

    private const string CheckViolation = "23514";
    private const string UniqueViolation = "23505";
    private const string ForeignKeyViolation = "23503";
    private const string PositionsTaken = "PP001";

    // A writer that finds its shard's position moved reads it again and redoes its transaction. Each such
    // failure means another writer committed; more than this many in a row is reported, not looped on.
    private const int MaxPositionAttempts = 20;

    /// <summary>
    /// Writes <paramref name="events"/> (unique by tenant and id) in one transaction: prices the AI
    /// events and adds a <c>cost.unpriced</c> warning for each one without a price, claims every id (an
    /// event that bills by its usage row, any other in <c>observability_event_ids</c>), COPYs the new
    /// events with the shard's next positions in list order (warnings last), and writes the new AI events'
    /// usage rows (see <see cref="WriteOnceAsync"/>). So an event is stored, billed and warned about
    /// together or not at all, and a retry does none of it twice. An event whose priced cost is above
    /// what one event may cost is left out and returned in <see cref="EventWrite.Rejected"/>. Creates a
    /// missing daily partition and retries once. <paramref name="lastPosition"/> is the shard's last
    /// committed position as the caller knows it; when another writer has moved it since, the write reads
    /// it again and is redone.
    /// </summary>
    public async Task<EventWrite> WriteAsync(int shard, IReadOnlyList<StructuredEvent> events, long lastPosition, CancellationToken ct)
    {
        var catalog = await pricing.GetAsync(ct);
        var usage = new Dictionary<(Guid, Guid), UsageRecord>();
        var rows = new List<StructuredEvent>(events.Count);
        var warnings = new List<StructuredEvent>();
        var rejected = new List<EventRejection>();
        foreach (var e in events)
        {
            if (UsageRecord.FromEvent(e, catalog) is not { } record)
            {
                rows.Add(e);
                continue;
            }

            if (CostCalculator.CheckLimit(record.Cost) is { } problem)
            {
                rejected.Add(new EventRejection(e, problem.Field, problem.Message));
                continue;
            }

            usage[(e.TenantId.Value, e.EventId)] = record;
            if (record.Cost.Unpriced)
            {
                warnings.Add(UnpricedUsagePolicy.ToEvent(e, record));
            }

            // An AI event the caller did not price carries the catalog's cost (exact: at most 12 decimals),
            // so the compliance store, the bus and the warehouse's cost reports agree with ai_token_usage.
            rows.Add(e.CostUsd is null && record.Cost.TotalUsd is { } priced ? e with { CostUsd = priced } : e);
        }

        rows.AddRange(warnings);
        if (rows.Count == 0)
        {
            return new EventWrite([], lastPosition, new UsageInsert([], null)) { Rejected = rejected };
        }

        try
        {
            return await WriteOnceAsync(shard, rows, usage, lastPosition, ct) with { Rejected = rejected };
        }
        catch (PostgresException e) when (e.SqlState == CheckViolation && e.Message.Contains("no partition", StringComparison.Ordinal))
        {
            var days = rows.Select(x => DateOnly.FromDateTime(x.Timestamp.UtcDateTime)).ToArray();
            await CreatePartitionsAsync(days.Min(), days.Max(), ct);
            return await WriteOnceAsync(shard, rows, usage, lastPosition, ct) with { Rejected = rejected };
        }
    }

    /// <summary>The last position <paramref name="shard"/> has committed; creates the shard's position row on first use.</summary>
    public async Task<long> LastPositionAsync(int shard, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var command = dataSources.Pipeline.CreateCommand(LastPositionSql).Bind(shard);
            // No row at all only when another writer seeded the row at the same moment: its insert won, and
            // this statement's snapshot predates that commit. The next statement sees it.
            if (await command.ExecuteScalarAsync(ct) is long position)
            {
                return position;
            }

            if (attempt == 3)
            {
                throw new InvalidOperationException($"Shard {shard}'s position row could not be read or created.");
            }
        }
    }

    /// <summary>The shard's committed events after <paramref name="position"/>, in position order.</summary>
    public async Task<IReadOnlyList<CommittedEvent>> ReadAfterAsync(int shard, long position, int limit, CancellationToken ct)
    {
        await using var command = dataSources.Pipeline.CreateCommand(ReadAfterSql).Bind(shard).Bind(position).Bind(limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<CommittedEvent>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new CommittedEvent(
                EventRows.Read(reader),
                reader.GetInt64(EventRows.EventColumnCount),
                new DateTimeOffset(reader.GetFieldValue<DateTime>(EventRows.EventColumnCount + 1), TimeSpan.Zero)));
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
    /// The common case first: every id is new, so a flush is two round trips — the events by binary COPY,
    /// then one batch with the usage rows (the billing events' claims), the other events' id claims, the
    /// position advance and the commit. A retried id (unique violation) or a usage row naming a brand its
    /// tenant does not have (foreign key violation) fails that transaction as a whole; the flush then claims
    /// the ids one by one instead.
    /// </summary>
    private async Task<EventWrite> WriteOnceAsync(
        int shard, IReadOnlyList<StructuredEvent> events, IReadOnlyDictionary<(Guid, Guid), UsageRecord> usage, long lastPosition, CancellationToken ct)
    {
        try
        {
            return await AtCurrentPositionAsync(shard, lastPosition, last => CopyAllAsync(shard, events, usage, last, ct), ct);
        }
        catch (PostgresException e) when (e.SqlState is UniqueViolation or ForeignKeyViolation)
        {
            return await AtCurrentPositionAsync(shard, lastPosition, last => ClaimAndWriteAsync(shard, events, usage, last, ct), ct);
        }
    }

    private async Task<EventWrite> AtCurrentPositionAsync(int shard, long lastPosition, Func<long, Task<EventWrite>> write, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await write(lastPosition);
            }
            catch (PostgresException e) when (e.SqlState == PositionsTaken && attempt < MaxPositionAttempts)
            {
                lastPosition = await LastPositionAsync(shard, ct);
            }
        }
    }

    private async Task<EventWrite> CopyAllAsync(
        int shard, IReadOnlyList<StructuredEvent> events, IReadOnlyDictionary<(Guid, Guid), UsageRecord> usage, long lastPosition, CancellationToken ct)
    {
        await using var connection = await dataSources.Pipeline.OpenConnectionAsync(ct);
        // BEGIN goes out with the COPY; the batch below ends the transaction with its own COMMIT, which
        // leaves this object completed (its disposal rolls back only when the batch failed).
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await CopyEventsAsync(connection, shard, events, lastPosition + 1, ct);

        var billed = Billed(events, usage);
        await using var finish = new NpgsqlBatch(connection, transaction);
        if (billed.Length > 0)
        {
            finish.BatchCommands.Add(UsageLedger.InsertNewCommand(billed));
        }

        var claims = Unbilled(events, usage);
        if (claims.Length > 0)
        {
            finish.BatchCommands.Add(ClaimCommand(ClaimNewIdsSql, claims));
        }

        var last = lastPosition + events.Count;
        finish.BatchCommands.Add(new NpgsqlBatchCommand(AdvanceSql).Bind(shard).Bind(lastPosition).Bind(last));
        finish.BatchCommands.Add(new NpgsqlBatchCommand("commit"));
        long? xid = null;
        await using (var reader = await finish.ExecuteReaderAsync(ct))
        {
            do
            {
                if (reader.FieldCount > 0 && await reader.ReadAsync(ct))
                {
                    xid = reader.GetInt64(0);
                }
            }
            while (await reader.NextResultAsync(ct));
        }

        return new EventWrite(events, last, new UsageInsert(billed, billed.Length > 0 ? xid : null));
    }

    private async Task<EventWrite> ClaimAndWriteAsync(
        int shard, IReadOnlyList<StructuredEvent> events, IReadOnlyDictionary<(Guid, Guid), UsageRecord> usage, long lastPosition, CancellationToken ct)
    {
        await using var connection = await dataSources.Pipeline.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var claimed = new HashSet<(Guid, Guid)>();
        var unbilled = Unbilled(events, usage);
        if (unbilled.Length > 0)
        {
            await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { ClaimCommand(ClaimIdsSql, unbilled) } };
            await using var reader = await batch.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                claimed.Add((reader.GetGuid(0), reader.GetGuid(1)));
            }
        }

        // A billing event's usage row is its claim: ON CONFLICT skips one already stored, so a retried event
        // is neither billed nor stored again.
        var inserted = await UsageLedger.InsertAsync(connection, transaction, Billed(events, usage), ct);
        foreach (var r in inserted.Inserted)
        {
            claimed.Add((r.Tenant.Value, r.EventId));
        }

        var fresh = events.Where(e => claimed.Contains((e.TenantId.Value, e.EventId))).ToArray();
        var last = lastPosition + fresh.Length;
        if (fresh.Length > 0)
        {
            await CopyEventsAsync(connection, shard, fresh, lastPosition + 1, ct);
            await using var advance = new NpgsqlCommand(AdvanceSql, connection, transaction).Bind(shard).Bind(lastPosition).Bind(last);
            await advance.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return new EventWrite(fresh, last, inserted);
    }

    private static NpgsqlBatchCommand ClaimCommand(string sql, IReadOnlyList<StructuredEvent> events)
    {
        var claim = new NpgsqlBatchCommand(sql);
        claim.Parameters.AddArray(NpgsqlDbType.Uuid, events.Select(e => e.TenantId.Value));
        claim.Parameters.AddArray(NpgsqlDbType.Uuid, events.Select(e => e.EventId));
        claim.Parameters.AddArray(NpgsqlDbType.TimestampTz, events.Select(e => e.Timestamp.ToUniversalTime()));
        return claim;
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

    /// <summary>The events without a usage row, which claim their ids in <c>observability_event_ids</c>.</summary>
    private static StructuredEvent[] Unbilled(IEnumerable<StructuredEvent> events, IReadOnlyDictionary<(Guid, Guid), UsageRecord> usage) =>
        events.Where(e => !usage.ContainsKey((e.TenantId.Value, e.EventId))).ToArray();
}
