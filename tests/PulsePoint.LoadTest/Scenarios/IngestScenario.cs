using System.Diagnostics;
using Npgsql;
using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.LoadTest.Scenarios;

/// <summary>
/// Event ingest: one operation appends a batch of one tenant's events through the client →
/// EventSinkGrain (group commit, dedup, binary COPY) → PostgreSQL and returns when committed. The
/// baseline writes the same number of rows of the same shape with raw Npgsql binary COPY, one
/// transaction per operation (no dedup, no validation, no grain hop), into the same table.
/// Events per operation: PULSEPOINT_INGEST_BATCH (default 50), the same in both phases, so the
/// ops/s ratio is the events/s ratio.
/// </summary>
public sealed class IngestScenario : Scenario
{
    // Baseline rows use shards no sink owns, so the outbox relays never read them.
    private const int BaselineShard = 100_000;
    private const string FlushesSql = """
        select count(*)::float8, count(distinct ingested_at)::float8
          from observability_events where shard < $1 and ingested_at >= $2
        """;

    // Events committed on the load's shards that an enabled destination has not received yet. Only
    // those shards: their sinks are active in this run, so their relays deliver (also what earlier runs
    // left); another shard's backlog waits for its own sink's next activation.
    private const string DestinationLagSql = """
        select coalesce(sum(greatest(0, m.last - c.position)), 0)::bigint
          from event_destination_cursors c
          cross join lateral (select max(position) as last from observability_events e where e.shard = c.shard) m
         where c.destination = any($1) and c.shard = any($2)
        """;

    private static readonly TimeSpan MaxDrain = TimeSpan.FromMinutes(2);

    private readonly int _batch = int.TryParse(Environment.GetEnvironmentVariable("PULSEPOINT_INGEST_BATCH"), out var b) && b > 0 ? b : 50;
    private EventTracker? _tracker;
    private int[] _shards = [];
    private DateTimeOffset _measuredFrom;
    private TimeSpan? _drain;
    private long _behind;

    public override string Name => "ingest";

    public override string Description => $"EventTracker.TrackBatchAsync of {_batch} events (client → EventSinkGrain → PostgreSQL group commit)";

    public override string? Baseline => $"raw Npgsql binary COPY of the same {_batch} rows into observability_events, one transaction per operation";

    public override async Task SetupAsync(LoadContext context, CancellationToken cancellationToken)
    {
        var shards = await context.Client.GetGrain<IEventShardsGrain>(0).GetShardCountAsync();
        _tracker = new EventTracker(context.Client);
        _shards = context.Tenants.Select(t => EventShards.Of(t, shards)).Distinct().ToArray();
        await TenantCheckScenario.CreateTenantsAsync(context, cancellationToken);
        // Deliveries owed from earlier runs (or runs with other destinations) would compete with this one.
        if (await DrainAsync(context, "events owed from earlier runs", cancellationToken) is { } owed)
        {
            Console.Error.WriteLine($"ingest: destinations caught up on earlier runs in {owed.TotalSeconds:0.0} s");
        }
    }

    public override Task BeforeMeasuredRunAsync(LoadContext context, CancellationToken cancellationToken)
    {
        _measuredFrom = DateTimeOffset.UtcNow;
        return Task.CompletedTask;
    }

    public override async Task RunOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        var tenant = context.PickTenant(random);
        var results = await _tracker!.TrackBatchAsync(tenant, Events(tenant));
        if (results.Any(r => r.Outcome != EventAppendOutcome.Stored))
        {
            throw new InvalidOperationException("an event was not stored");
        }
    }

    public override async Task RunBaselineOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        var events = Events(context.PickBaselineTenant(random));
        await using var connection = await context.Pipeline.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var copy = await connection.BeginBinaryImportAsync(EventRows.CopySql, cancellationToken))
        {
            foreach (var e in events)
            {
                await EventRows.WriteAsync(copy, e, BaselineShard, 0, events.Length, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The sink's rate counts only if the destinations keep up with it: how far behind they were when the
    /// slice ended and how long they still needed (this also keeps the deliveries out of the baseline).
    /// </summary>
    public override async Task AfterPulsePointSliceAsync(LoadContext context, CancellationToken cancellationToken)
    {
        var behind = await LagAsync(context, cancellationToken);
        if (await DrainAsync(context, "events the measured phase committed", cancellationToken) is { } drain)
        {
            _drain = (_drain ?? TimeSpan.Zero) + drain;
            _behind += behind ?? 0;
        }
    }

    public override async Task<IReadOnlyDictionary<string, double>> ExtraFiguresAsync(LoadContext context, long operations, CancellationToken cancellationToken)
    {
        await using var command = context.Pipeline.CreateCommand(FlushesSql);
        command.Parameters.Add(new NpgsqlParameter { Value = BaselineShard });
        command.Parameters.Add(new NpgsqlParameter { Value = _measuredFrom });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var rows = reader.GetDouble(0);
        var flushes = reader.GetDouble(1);
        var figures = new Dictionary<string, double>
        {
            ["events_per_operation"] = _batch,
            ["events_stored_since_measuring"] = rows,
            ["sink_flushes"] = flushes,
            ["events_per_flush"] = flushes == 0 ? 0 : rows / flushes,
        };
        if (_drain is { } d)
        {
            figures["destinations_behind_at_end"] = _behind;
            figures["destinations_drain_s"] = Math.Round(d.TotalSeconds, 2);
            figures["ops_per_s_incl_drain"] = Math.Round(operations / (context.Options.Duration + d).TotalSeconds, 1);
        }

        return figures;
    }

    /// <summary>
    /// Waits until the in-process silo's destinations have every committed event (at most <see cref="MaxDrain"/>)
    /// and returns how long that took; null against an external cluster, whose destinations it cannot see.
    /// </summary>
    private async Task<TimeSpan?> DrainAsync(LoadContext context, string what, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var reported = started;
        while (await LagAsync(context, cancellationToken) is { } lag && lag > 0)
        {
            var waited = Stopwatch.GetElapsedTime(started);
            if (waited > MaxDrain)
            {
                Console.Error.WriteLine($"ingest: destinations still {lag:N0} events behind after {MaxDrain.TotalMinutes:0} min; going on");
                break;
            }

            if (Stopwatch.GetElapsedTime(reported) > TimeSpan.FromSeconds(5))
            {
                Console.Error.WriteLine($"ingest: waiting for destinations to deliver {what}: {lag:N0} events behind after {waited.TotalSeconds:0} s");
                reported = Stopwatch.GetTimestamp();
            }

            await Task.Delay(100, cancellationToken);
        }

        return context.DestinationNames is null ? null : Stopwatch.GetElapsedTime(started);
    }

    private async Task<long?> LagAsync(LoadContext context, CancellationToken cancellationToken)
    {
        if (context.DestinationNames is not { Count: > 0 } names)
        {
            return context.DestinationNames is null ? null : 0;
        }

        await using var command = context.Pipeline.CreateCommand(DestinationLagSql);
        command.Parameters.Add(new NpgsqlParameter { Value = names.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = _shards });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private StructuredEvent[] Events(TenantId tenant) =>
        AnswerBatch.Create(tenant, _batch, "load", "load-user", costUsd: 0.0124m, accuracy: 0.92);
}
