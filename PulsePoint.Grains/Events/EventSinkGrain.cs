using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Concurrency;
using PulsePoint.Billing;
using PulsePoint.Destinations;
using PulsePoint.Tenancy;

namespace PulsePoint.Events;

/// <summary>
/// One shard of the event pipeline. Appends are buffered and flushed in batches (group commit): one
/// PostgreSQL transaction per flush, and each append's task completes only after its batch committed.
/// The grain is reentrant so appends keep arriving while a flush awaits PostgreSQL; a single flush loop
/// guarantees that flushes never overlap; PostgreSQL checks their outbox positions at each commit (0007).
/// </summary>
[Reentrant]
internal sealed partial class EventSinkGrain(
    EventStore store,
    OutboxRelayFactory relays,
    EventMetrics metrics,
    EventSinkDrain drain,
    IOptions<EventOptions> options,
    TimeProvider time,
    ILogger<EventSinkGrain> logger) : Grain, IEventSinkGrain, IEventSinkDelivery
{
    // The shard's last committed position as this activation knows it (PostgreSQL checks it at each commit).
    private long? _lastPosition;
    private readonly Queue<PendingAppend> _queue = new();
    private int _shard;
    private int _buffered;
    private bool _urgent;
    private volatile bool _draining;
    private IDisposable? _drainRegistration;
    private Task? _flushLoop;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private OutboxRelay _relay = null!;

    private EventOptions Options => options.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyLong();
        if (key < 0 || key >= Options.Shards)
        {
            throw new ArgumentOutOfRangeException(nameof(key), key, $"Event sink shard must be in [0, {Options.Shards}).");
        }

        _shard = (int)key;
        _draining = drain.Stopping;
        // Called from the silo's shutdown, off this grain's scheduler: only thread-safe writes here.
        _drainRegistration = drain.Register(this, () =>
        {
            _draining = true;
            _wake.TrySetResult();
        });
        _relay = relays.Create(_shard, () => DelayDeactivation(TimeSpan.FromMinutes(2)));
        try
        {
            // Resumes deliveries owed from before; when PostgreSQL is down the first flush retries this.
            using var timeout = new CancellationTokenSource(Options.FlushTimeout, time);
            await _relay.InitializeAsync(timeout.Token);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            LogRelayNotStarted(logger, e, _shard);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A collected or migrating activation: flush what is buffered now rather than after FlushDelay
        // (a stopping silo has already set this through EventSinkDrain). Orleans sends calls that
        // arrive meanwhile to the next activation.
        _drainRegistration?.Dispose();
        _draining = true;
        _wake.TrySetResult();
        if (_flushLoop is { IsCompleted: false } loop)
        {
            try
            {
                await loop.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Deactivation timed out; the appends of that flush fail or complete on their own.
            }
        }

        await _relay.StopAsync();
    }

    async Task<EventAppendOutcome> IEventSinkGrain.AppendAsync(StructuredEvent structuredEvent)
    {
        var result = (await Append([structuredEvent]))[0];
        if (result.Outcome == EventAppendOutcome.Rejected)
        {
            throw new InvalidEventException(result.Field!, result.Error!);
        }

        return result.Outcome;
    }

    async Task<IReadOnlyList<EventAppendResult>> IEventSinkGrain.AppendBatchAsync(IReadOnlyList<StructuredEvent> events) =>
        await Append(events ?? throw new ArgumentNullException(nameof(events)));

    async Task IEventSinkDelivery.ResumeDeliveryAsync()
    {
        // Another writer of this shard (billing's alerts) may have committed events this activation did not
        // write: PostgreSQL, not the caller, says how far the shard has committed.
        if (_relay.IsInitialized)
        {
            using var timeout = new CancellationTokenSource(Options.FlushTimeout, time);
            _relay.CommittedUpTo(await store.LastPositionAsync(_shard, timeout.Token));
        }

        _relay.Resume();
    }

    private async Task<EventAppendResult[]> Append(IReadOnlyList<StructuredEvent> events)
    {
        // RequestContext is caller-supplied: it is validated by CallerTenant and compared, never trusted blindly.
        var caller = CallerTenant.Current
            ?? throw new TenantMismatchException("Appending events needs the caller's tenant; call inside a tenant scope.");
        var now = time.GetUtcNow();
        var results = new EventAppendResult[events.Count];
        var accepted = new List<StructuredEvent>(events.Count);
        var acceptedIndex = new List<int>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i] ?? throw new ArgumentException($"Event {i} of the batch is null.", nameof(events));
            if (e.TenantId != caller)
            {
                throw new TenantMismatchException($"Event {i} of the batch belongs to another tenant than the caller's tenant {caller}.");
            }

            if (EventShards.Of(e.TenantId, Options.Shards) != _shard)
            {
                throw new WrongEventShardException(
                    $"The caller's tenant belongs to event sink shard {EventShards.Of(e.TenantId, Options.Shards)}, not {_shard}: " +
                    $"the cluster runs {Options.Shards} shards (IEventShardsGrain).", Options.Shards);
            }

            if (StructuredEventValidator.Check(e, now) is { } problem)
            {
                results[i] = new EventAppendResult(e.EventId, EventAppendOutcome.Rejected, problem.Field, problem.Message);
                continue;
            }

            accepted.Add(AsStored(e));
            acceptedIndex.Add(i);
        }

        if (accepted.Count < events.Count)
        {
            metrics.Rejected(events.Count - accepted.Count);
        }

        if (accepted.Count == 0)
        {
            return results;
        }

        if (_buffered + accepted.Count > Options.MaxBufferedEvents)
        {
            metrics.Overloaded(accepted.Count);
            throw new EventSinkOverloadedException(
                $"Event sink shard {_shard} is full ({_buffered} events buffered, limit {Options.MaxBufferedEvents}); " +
                "PostgreSQL is not keeping up or is down. Back off and retry: appends are idempotent by event id.");
        }

        // The caller's span (Orleans' server span of this call, in the backend's trace) for the flush span to hang from.
        var pending = new PendingAppend(accepted.ToArray(), time.GetTimestamp(), Activity.Current?.Context ?? default);
        _queue.Enqueue(pending);
        _buffered += pending.Events.Length;
        if (accepted.Any(e => e.Severity == EventSeverity.Critical))
        {
            _urgent = true;
        }

        if (_urgent || _buffered >= Options.MaxBatchSize)
        {
            _wake.TrySetResult();
        }

        if (_flushLoop is null || _flushLoop.IsCompleted)
        {
            _flushLoop = FlushLoopAsync();
        }

        var outcomes = await pending.Completion.Task;
        for (var j = 0; j < acceptedIndex.Count; j++)
        {
            results[acceptedIndex[j]] = outcomes[j];
        }

        return results;
    }

    /// <summary>The only flusher: takes a batch, commits it, repeats while anything is buffered.</summary>
    private async Task FlushLoopAsync()
    {
        while (_queue.Count > 0)
        {
            var wait = WaitBeforeFlush();
            if (wait > TimeSpan.Zero)
            {
                await Task.WhenAny(_wake.Task, Task.Delay(wait, time));
            }

            if (_wake.Task.IsCompleted)
            {
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _urgent = false;
            var batch = TakeBatch();
            if (batch.Count > 0)
            {
                await FlushAsync(batch);
            }
        }
    }

    private TimeSpan WaitBeforeFlush()
    {
        if (_urgent || _draining || _buffered >= Options.MaxBatchSize || _queue.Count == 0)
        {
            return TimeSpan.Zero;
        }

        // The delay counts from the oldest buffered append: under load, appends that queued up during the
        // previous flush have waited long enough and go at once.
        var waited = time.GetElapsedTime(_queue.Peek().ArrivedAt);
        return Options.FlushDelay - waited;
    }

    private List<PendingAppend> TakeBatch()
    {
        var batch = new List<PendingAppend>();
        var count = 0;
        while (_queue.Count > 0 && (batch.Count == 0 || count + _queue.Peek().Events.Length <= Options.MaxBatchSize))
        {
            var next = _queue.Dequeue();
            batch.Add(next);
            count += next.Events.Length;
        }

        return batch;
    }

    private async Task FlushAsync(List<PendingAppend> batch)
    {
        var started = time.GetTimestamp();
        // One row per (tenant, event id): a retry that lands in the same batch as its original is "already stored".
        var seen = new HashSet<(Guid, Guid)>();
        var unique = new List<StructuredEvent>();
        foreach (var e in batch.SelectMany(p => p.Events))
        {
            if (seen.Add(Key(e)))
            {
                unique.Add(e);
            }
        }

        var count = batch.Sum(p => p.Events.Length);
        using var span = EventTracing.StartFlush(_shard, count, batch.Select(p => p.Caller).ToList());
        var flush = new Flush();
        Exception? failure = null;
        try
        {
            using var timeout = new CancellationTokenSource(Options.FlushTimeout, time);
            if (!_relay.IsInitialized)
            {
                await _relay.InitializeAsync(timeout.Token);
            }

            await WriteIsolatingAsync(unique, flush, timeout.Token);
        }
        catch (Exception e)
        {
            // The commit may or may not have happened: read the position again before the next flush.
            _lastPosition = null;
            failure = e is NpgsqlException or TimeoutException or OperationCanceledException
                ? new EventSinkUnavailableException(
                    $"PostgreSQL did not commit the event batch of shard {_shard} " +
                    (e is NpgsqlException ? "" : $"within {Options.FlushTimeout.TotalSeconds:0.###} s ") +
                    $"({e.GetType().Name}: {e.Message}). The events are not acknowledged; retry them (appends are idempotent).")
                : e;
            LogFlushFailed(logger, e, _shard, count);
            span?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
        }
        finally
        {
            _buffered -= count;
        }

        // Every write that committed is delivered and counted, even when a later part of the flush failed.
        var committedAt = time.GetUtcNow();
        var stored = 0;
        foreach (var write in flush.Writes)
        {
            stored += write.Stored.Count;
            if (write.Stored.Count > 0)
            {
                _relay.Committed(write.Stored.Select((e, i) => new CommittedEvent(e, write.FirstPosition + i, committedAt)).ToArray());
            }

            if (write.Usage.Inserted.Count > 0)
            {
                // Not awaited: counting is not part of the commit, and a slow billing grain must not hold up flushes.
                var usage = write.Usage.PerTenant();
                _ = ToBillingAsync(usage.Keys, (tenant, billing) => billing.AddUsageAsync(usage[tenant]));
            }
        }

        if (flush.Writes.Count > 0)
        {
            metrics.Flushed(count, stored, time.GetElapsedTime(started));
        }

        if (flush.Rejected.Count > 0)
        {
            metrics.Rejected(flush.Rejected.Count);
        }

        var fresh = flush.Writes.SelectMany(w => w.Stored).Select(Key).ToHashSet();
        var recount = new HashSet<TenantId>();
        foreach (var pending in batch)
        {
            // An append is answered when each of its events was decided by a write that committed (or was
            // rejected alone); any other waits for a retry after the failure.
            if (failure is not null && !pending.Events.All(e => flush.Decided.Contains(Key(e))))
            {
                pending.Completion.TrySetException(failure);
                continue;
            }

            var results = new EventAppendResult[pending.Events.Length];
            for (var i = 0; i < results.Length; i++)
            {
                var e = pending.Events[i];
                // The first occurrence of a new id claims it; any later one in this batch is the retry.
                results[i] = flush.Rejected.TryGetValue(Key(e), out var rejection)
                    ? new EventAppendResult(e.EventId, EventAppendOutcome.Rejected, rejection.Field, rejection.Error)
                    : new EventAppendResult(e.EventId, fresh.Remove(Key(e)) ? EventAppendOutcome.Stored : EventAppendOutcome.AlreadyStored);
                if (results[i].Outcome == EventAppendOutcome.AlreadyStored && e.Category == EventCategory.AiOperations)
                {
                    recount.Add(e.TenantId);
                }
            }

            pending.Completion.TrySetResult(results);
        }

        if (recount.Count > 0)
        {
            // A retried AI event was stored by an earlier flush that may have lost its commit's answer and so
            // never handed its usage to billing: the billing grain counts again from the ledger.
            _ = ToBillingAsync(recount, (_, billing) => billing.RecountAsync());
        }
    }


    /// <summary>
    /// Writes <paramref name="events"/> in one transaction. When PostgreSQL refuses it for the data (SQLSTATE
    /// class 22, data exception, or 23, integrity violation) rather than for availability, no event was
    /// stored; the events are split in halves and each half written on its own, down to the single event
    /// that is refused alone. So one tenant's bad event costs the others a few more transactions, never
    /// their events. Any other error ends the flush.
    /// </summary>
    private async Task WriteIsolatingAsync(IReadOnlyList<StructuredEvent> events, Flush flush, CancellationToken ct)
    {
        try
        {
            _lastPosition ??= await store.LastPositionAsync(_shard, ct);
            var write = await store.WriteAsync(_shard, events, _lastPosition.Value, ct);
            _lastPosition = write.LastPosition;
            flush.Writes.Add(write);
            foreach (var rejection in write.Rejected)
            {
                flush.Rejected[Key(rejection.Event)] = rejection;
            }

            flush.Decided.UnionWith(events.Select(Key));
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("22", StringComparison.Ordinal) || e.SqlState.StartsWith("23", StringComparison.Ordinal))
        {
            // Rolled back; read the position again rather than trust what this activation last saw.
            _lastPosition = null;
            if (events.Count == 1)
            {
                var field = EventRows.PropertyOf(e.ColumnName) ?? nameof(StructuredEvent);
                LogEventRefused(logger, _shard, e.SqlState, e.ConstraintName);
                flush.Rejected[Key(events[0])] = new EventRejection(events[0], field,
                    $"was refused by PostgreSQL ({e.SqlState}: {e.MessageText}); the other events of its batch were stored");
                flush.Decided.Add(Key(events[0]));
                return;
            }

            var half = events.Count / 2;
            await WriteIsolatingAsync(events.Take(half).ToArray(), flush, ct);
            await WriteIsolatingAsync(events.Skip(half).ToArray(), flush, ct);
        }
    }

    private static (Guid, Guid) Key(StructuredEvent e) => (e.TenantId.Value, e.EventId);

    /// <summary>
    /// Makes <paramref name="call"/> to each tenant's billing grain (today's counters, cost alerts). The rows
    /// are already durable in <c>ai_token_usage</c>; a failed call is logged and not retried (a retry after a
    /// lost reply would count twice): such a failure means the billing grain's activation is in trouble, and
    /// it rebuilds its counters from the ledger when it activates again or its reload period passes.
    /// </summary>
    private async Task ToBillingAsync(IEnumerable<TenantId> tenants, Func<TenantId, ITenantUsageFeed, Task> call)
    {
        var calls = new List<(TenantId Tenant, Task Call)>();
        foreach (var tenant in tenants)
        {
            // An operator interface: the silo signs the call (OperatorCallSigner); no tenant scope is involved.
            calls.Add((tenant, call(tenant, GrainFactory.GetGrain<ITenantUsageFeed>(tenant.Value))));
        }

        foreach (var (tenant, pending) in calls)
        {
            try
            {
                await pending;
            }
            catch (Exception e)
            {
                LogUsageNotCounted(logger, e, tenant.Value, _shard);
            }
        }
    }

    /// <summary>
    /// The event exactly as PostgreSQL will return it (UTC, microseconds), so that destinations get the same
    /// values whether the relay hands them over from memory or reads them back. Its cost needs nothing: the
    /// validator admits only costs the columns hold exactly.
    /// </summary>
    private static StructuredEvent AsStored(StructuredEvent e)
    {
        var utc = e.Timestamp.ToUniversalTime();
        var timestamp = new DateTimeOffset(utc.Ticks - utc.Ticks % 10, TimeSpan.Zero);
        return timestamp == e.Timestamp && timestamp.Offset == e.Timestamp.Offset ? e : e with { Timestamp = timestamp };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event sink shard {Shard} could not load its outbox cursors at activation")]
    private static partial void LogRelayNotStarted(ILogger logger, Exception exception, int shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event sink shard {Shard} failed to flush {Count} events")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, int shard, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId}'s usage from event sink shard {Shard} was stored but not handed to its billing grain; its counters catch up from the ledger")]
    private static partial void LogUsageNotCounted(ILogger logger, Exception exception, Guid tenantId, int shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event sink shard {Shard} refused one event that PostgreSQL rejected ({SqlState}, constraint {Constraint}); the rest of its batch was stored")]
    private static partial void LogEventRefused(ILogger logger, int shard, string sqlState, string? constraint);

    private sealed class PendingAppend(StructuredEvent[] events, long arrivedAt, ActivityContext caller)
    {
        public StructuredEvent[] Events { get; } = events;

        public long ArrivedAt { get; } = arrivedAt;

        public ActivityContext Caller { get; } = caller;

        public TaskCompletionSource<EventAppendResult[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>What one flush's writes committed and refused.</summary>
    private sealed class Flush
    {
        public List<EventWrite> Writes { get; } = [];

        public Dictionary<(Guid, Guid), EventRejection> Rejected { get; } = [];

        /// <summary>Events a committed write or a refusal has answered for.</summary>
        public HashSet<(Guid, Guid)> Decided { get; } = [];
    }
}
