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
    private const string AdvanceSql = """
        update event_destination_cursors set position = $3, updated_at = now()
         where destination = $1 and shard = $2 and position < $3
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
        await using var command = dataSources.Pipeline.CreateCommand(AdvanceSql).Bind(destination).Bind(shard).Bind(position);
        await command.ExecuteNonQueryAsync(ct);
    }
}
