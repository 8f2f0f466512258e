using Npgsql;
using PulsePoint.Storage;

namespace PulsePoint.Destinations;

/// <summary>The outbox cursors in PostgreSQL: per destination and shard, the last delivered position.</summary>
public sealed class DestinationCursorStore(DataSources dataSources)
{
    // The CTE's select does not see the row the insert adds (one snapshot), so exactly one branch answers.
    private const string GetOrCreateSql = """
        with inserted as (
            insert into event_destination_cursors (destination, shard, position) values ($1, $2, $3)
            on conflict do nothing
            returning position)
        select position from inserted
        union all
        select position from event_destination_cursors where destination = $1 and shard = $2
        limit 1
        """;

    // Never moves a cursor back: a slower duplicate activation cannot undo a later acknowledgement.
    // Committed without waiting for the WAL flush: a crash may lose the newest advances, and the relay
    // then delivers those events again, which every destination deduplicates by event id. The events
    // themselves were committed durably before; this only spares a disk flush per delivery.
    private const string AsynchronousCommitSql = "select set_config('synchronous_commit', 'off', true)";

    private const string AdvanceSql = """
        update event_destination_cursors set position = $1, updated_at = now()
         where destination = $2 and shard = $3 and position < $1
        """;

    /// <summary>
    /// The cursor of <paramref name="destination"/> on <paramref name="shard"/>. A destination seen for the
    /// first time starts at <paramref name="initial"/> (the shard's last committed position): it receives
    /// the events committed from now on. To backfill one, lower its cursor row.
    /// </summary>
    public async Task<long> GetOrCreateAsync(string destination, int shard, long initial, CancellationToken ct)
    {
        await using var command = dataSources.Pipeline.CreateCommand(GetOrCreateSql).Bind(destination).Bind(shard).Bind(initial);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task AdvanceAsync(string destination, int shard, long position, CancellationToken ct)
    {
        // One batch is one implicit transaction, so the transaction-local setting applies to the update.
        await using var batch = dataSources.Pipeline.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(AsynchronousCommitSql));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(AdvanceSql).Bind(position).Bind(destination).Bind(shard));
        await batch.ExecuteNonQueryAsync(ct);
    }
}
