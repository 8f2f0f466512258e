using System.Collections.Concurrent;
using System.Diagnostics;
using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.LoadTest.Faults;

/// <summary>
/// The load a fault is injected under: append workers send batches of new, known event ids (AI answers, billed) through
/// <see cref="EventTracker"/> and record every id the cluster acknowledged (a failed batch is retried with
/// the same ids, as a careful client would, so a retry after an ambiguous failure must come back
/// <c>AlreadyStored</c>, never as a second row); check workers alternately ask an active tenant (expect
/// Active) and a deactivated one (expect Inactive). Everything is timed on one clock.
/// </summary>
public sealed class SteadyLoad
{
    private readonly IClusterClient _client;
    private readonly EventTracker _tracker;
    private readonly IReadOnlyList<TenantId> _active;
    private readonly TenantId _inactive;
    private readonly FaultOptions _options;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];
    private long _checks;
    private long _wrongAnswers;

    public SteadyLoad(IClusterClient client, int shards, IReadOnlyList<TenantId> active, TenantId inactive, FaultOptions options)
    {
        _client = client;
        _tracker = new EventTracker(client);
        _active = active;
        _inactive = inactive;
        _options = options;
    }

    /// <summary>Milliseconds since the load was created: the clock of both timelines and of the fault marks.</summary>
    public double NowMs => _clock.Elapsed.TotalMilliseconds;

    public LoadTimeline Appends { get; } = new();

    public LoadTimeline Checks { get; } = new();

    /// <summary>Every event id sent at least once (acknowledged or not).</summary>
    public ConcurrentDictionary<Guid, byte> Attempted { get; } = new();

    /// <summary>Every event id the cluster acknowledged as stored (Stored or AlreadyStored).</summary>
    public ConcurrentDictionary<Guid, byte> Acknowledged { get; } = new();

    /// <summary>Acknowledgements that came back AlreadyStored (a retried batch whose first attempt had committed).</summary>
    public long AlreadyStored => Interlocked.Read(ref _alreadyStored);

    private long _alreadyStored;

    public long TenantChecks => Interlocked.Read(ref _checks);

    /// <summary>Tenant checks that answered the wrong status (an active tenant refused or a deactivated one accepted).</summary>
    public long WrongTenantAnswers => Interlocked.Read(ref _wrongAnswers);

    public void Start()
    {
        for (var i = 0; i < _options.Concurrency; i++)
        {
            var random = new Random(HashCode.Combine(_options.Seed, i));
            _workers.Add(Task.Run(() => AppendLoopAsync(random)));
        }

        for (var i = 0; i < _options.CheckConcurrency; i++)
        {
            var offset = i;
            _workers.Add(Task.Run(() => CheckLoopAsync(offset)));
        }
    }

    /// <summary>Stops issuing calls and waits (bounded) for the calls in flight; a call hung on a dead silo is abandoned after <paramref name="wait"/>.</summary>
    public async Task StopAsync(TimeSpan wait)
    {
        await _stop.CancelAsync();
        await Task.WhenAny(Task.WhenAll(_workers), Task.Delay(wait));
    }

    private async Task AppendLoopAsync(Random random)
    {
        while (!_stop.IsCancellationRequested)
        {
            var tenant = _active[random.Next(_active.Count)];
            var batch = Batch(tenant, random);
            foreach (var e in batch)
            {
                Attempted.TryAdd(e.EventId, 0);
            }

            // The same batch until it is acknowledged: idempotency by event id makes this safe.
            while (!_stop.IsCancellationRequested)
            {
                var started = NowMs;
                try
                {
                    var results = await _tracker.TrackBatchAsync(tenant, batch);
                    var stored = 0;
                    foreach (var result in results)
                    {
                        if (result.IsStored)
                        {
                            Acknowledged.TryAdd(result.EventId, 0);
                            stored++;
                            if (result.Outcome == EventAppendOutcome.AlreadyStored)
                            {
                                Interlocked.Increment(ref _alreadyStored);
                            }
                        }
                    }

                    Appends.Success(started, NowMs, stored);
                    if (stored != results.Count)
                    {
                        Appends.Error(NowMs, "Rejected", results.First(r => !r.IsStored).Error ?? "rejected");
                    }

                    break;
                }
                catch (Exception e)
                {
                    Appends.Error(NowMs, ErrorName(e), e.Message);
                    await Pause(TimeSpan.FromMilliseconds(100));
                }
            }
        }
    }

    private async Task CheckLoopAsync(int offset)
    {
        var n = offset;
        while (!_stop.IsCancellationRequested)
        {
            var inactive = n++ % 2 == 1;
            var tenant = inactive ? _inactive : _active[n % _active.Count];
            var started = NowMs;
            try
            {
                var status = await _client.GetTenantStatusAsync(tenant);
                Interlocked.Increment(ref _checks);
                if (status != (inactive ? TenantStatus.Inactive : TenantStatus.Active))
                {
                    Interlocked.Increment(ref _wrongAnswers);
                    Checks.Error(NowMs, "WrongTenantStatus", $"tenant {tenant} answered {status}");
                }
                else
                {
                    Checks.Success(started, NowMs, 1);
                }
            }
            catch (Exception e)
            {
                Checks.Error(NowMs, ErrorName(e), e.Message);
            }

            // Memory-served checks would otherwise take the CPU the appends and silos need on a small machine.
            await Pause(_options.CheckInterval);
        }
    }

    private async Task Pause(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The exception's type, with the inner type when the outer one is only a wrapper.</summary>
    public static string ErrorName(Exception e) =>
        (e.GetType() == typeof(OrleansException) || e is AggregateException) && e.InnerException is { } inner
            ? $"{e.GetType().Name}({inner.GetType().Name})"
            : e.GetType().Name;

    /// <summary>
    /// AI answers with token counts: three batches in four priced from the catalog (claude-3-sonnet), one with a cost the
    /// caller gave, so the reconcile after each scenario compares both kinds of ledger rows. Both costs have at most six
    /// decimals, which every store holds exactly.
    /// </summary>
    private StructuredEvent[] Batch(TenantId tenant, Random random) =>
        AnswerBatch.Create(tenant, _options.BatchSize, "fault-suite", "fault-user", costUsd: random.Next(4) == 0 ? CallerCostUsd : null);

    /// <summary>The cost the caller gives on a quarter of the batches' events.</summary>
    public const decimal CallerCostUsd = 0.0125m;
}
