using Npgsql;

namespace PulsePoint.LoadTest.Faults;

/// <summary>
/// Reads what PostgreSQL holds, as the pipeline role (BYPASSRLS: every tenant's rows): how many rows each
/// event id has, and each shard's head position against a destination's cursor. Retries while
/// PostgreSQL is still coming back after a restart.
/// </summary>
public sealed class EventStoreProbe(NpgsqlDataSource pipeline)
{
    private const string CountByIdSql = """
        select event_id, count(*)::int from observability_events where event_id = any($1) group by event_id
        """;

    private const string CursorsSql = """
        select h.shard, h.head, coalesce(c.position, -1)
          from (select shard, max(position) as head from observability_events where shard < 100000 group by shard) h
          left join event_destination_cursors c on c.destination = $1 and c.shard = h.shard
         order by h.shard
        """;

    /// <summary>Rows per event id, for the ids in <paramref name="ids"/> that have any.</summary>
    public async Task<Dictionary<Guid, int>> CountAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        return await RetryAsync(async () =>
        {
            var counts = new Dictionary<Guid, int>(ids.Count);
            foreach (var chunk in ids.Chunk(20_000))
            {
                await using var command = pipeline.CreateCommand(CountByIdSql);
                command.Parameters.Add(new NpgsqlParameter { Value = chunk });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    counts[reader.GetGuid(0)] = reader.GetInt32(1);
                }
            }

            return counts;
        }, cancellationToken);
    }

    /// <summary>Per shard: the last committed position and <paramref name="destination"/>'s cursor (−1 when it has none).</summary>
    public Task<List<ShardCursor>> CursorsAsync(string destination, CancellationToken cancellationToken) =>
        RetryAsync(async () =>
        {
            await using var command = pipeline.CreateCommand(CursorsSql);
            command.Parameters.Add(new NpgsqlParameter { Value = destination });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var cursors = new List<ShardCursor>();
            while (await reader.ReadAsync(cancellationToken))
            {
                cursors.Add(new ShardCursor(reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2)));
            }

            return cursors;
        }, cancellationToken);

    private static async Task<T> RetryAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && attempt < 30)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }
}
