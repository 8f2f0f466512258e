using Microsoft.Extensions.Logging;
using PulsePoint.Events;

namespace PulsePoint.Destinations;

/// <summary>
/// Delivers one shard's committed events to every destination, in position order, and records each
/// destination's progress in its PostgreSQL cursor. Batches just committed are handed over in memory
/// (the fast path); whenever that is not contiguous with the cursor — after a failure, a restart, or when
/// too much piled up — the events after the cursor are read back from <c>observability_events</c>, so a
/// destination outage delays delivery but loses nothing. Each destination has its own pump and retries
/// with exponential backoff, so one slow destination does not hold back another.
/// Lives inside the shard's <see cref="EventSinkGrain"/> activation and runs on its scheduler: no locks.
/// Delivery is at least once; destinations deduplicate by event id. So a cursor is written at most once per
/// <see cref="EventOptions.RelayCursorWriteInterval"/> (and when the pump falls idle after that time, and at
/// stop), not after every delivery: a destination that takes each flush alone would otherwise add a
/// PostgreSQL transaction to every flush.
/// </summary>
public sealed partial class OutboxRelay
{
    private readonly int _shard;
    private readonly DestinationState[] _destinations;
    private readonly EventStore _store;
    private readonly DestinationCursorStore _cursors;
    private readonly RelayLagMonitor _monitor;
    private readonly EventOptions _options;
    private readonly TimeProvider _time;
    private readonly Action _keepAlive;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private long _committed = -1;

    // Events a destination may have waiting in memory; beyond, the pump reads them back from PostgreSQL.
    private int PendingBound => _options.RelayBatchSize * 4;

    internal OutboxRelay(int shard, IEventDestination[] destinations, EventStore store, DestinationCursorStore cursors, RelayLagMonitor monitor,
        EventOptions options, TimeProvider time, Action keepAlive, ILogger logger)
    {
        _shard = shard;
        _destinations = destinations.Select(d => new DestinationState(d, d.MaxBatchSize is > 0 and var size ? size : options.RelayBatchSize)).ToArray();
        _store = store;
        _cursors = cursors;
        _monitor = monitor;
        _options = options;
        _time = time;
        _keepAlive = keepAlive;
        _logger = logger;
    }

    /// <summary>True once the cursors are loaded; the sink commits nothing before, so no event can slip past a new cursor.</summary>
    public bool IsInitialized { get; private set; }

    /// <summary>Loads (or creates) every destination's cursor and starts the pumps.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        if (IsInitialized)
        {
            return;
        }

        var last = await _store.LastPositionAsync(_shard, ct);
        foreach (var d in _destinations)
        {
            d.Cursor = await _cursors.GetOrCreateAsync(d.Destination.Name, _shard, last, ct);
            d.Written = d.Cursor;
        }

        _committed = Math.Max(_committed, last);
        IsInitialized = true;
        foreach (var d in _destinations)
        {
            d.Pump = PumpAsync(d);
        }
    }

    /// <summary>A batch (positions contiguous, ascending) was committed; hand it to the pumps.</summary>
    public void Committed(IReadOnlyList<CommittedEvent> batch)
    {
        _committed = Math.Max(_committed, batch[^1].Position);
        foreach (var d in _destinations)
        {
            if (d.PendingEvents + batch.Count <= PendingBound)
            {
                // In pieces of at most the destination's batch size, so a delivery never has to split one.
                IEnumerable<IReadOnlyList<CommittedEvent>> pieces = batch.Count <= d.BatchSize ? [batch] : batch.Chunk(d.BatchSize);
                foreach (var piece in pieces)
                {
                    d.Pending.Enqueue(piece);
                }

                d.PendingEvents += batch.Count;
            }

            d.Wake();
        }
    }

    /// <summary>
    /// The shard has committed up to <paramref name="position"/>, also events another writer committed that
    /// never passed through <see cref="Committed"/>: the pumps read those back from PostgreSQL.
    /// </summary>
    public void CommittedUpTo(long position)
    {
        _committed = Math.Max(_committed, position);
        foreach (var d in _destinations)
        {
            d.Wake();
        }
    }

    /// <summary>Ends the backoff waits, so every destination is tried again now.</summary>
    public void Resume()
    {
        foreach (var d in _destinations)
        {
            d.Wake();
        }
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        foreach (var d in _destinations)
        {
            d.Wake();
            if (d.Pump is { } pump)
            {
                await pump;
            }
        }

        _monitor.Forget(_shard);
    }

    private async Task PumpAsync(DestinationState d)
    {
        // The pump may be started inside an append; the appending caller's RequestContext (its tenant)
        // must not ride along on every later delivery.
        RequestContext.Clear();
        var failures = 0;
        var ct = _stopping.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (d.Cursor >= _committed)
                {
                    d.OldestUndeliveredAt = null;
                    d.LastError = null;
                    Report(d);
                    if (d.Written < d.Cursor)
                    {
                        // Caught up with a position not yet written: written once the interval has passed,
                        // unless new commits wake the pump first and a later delivery writes it.
                        if (CursorWriteTimeLeft(d) is { } writeIn)
                        {
                            await d.WaitAsync(writeIn, _time);
                            continue;
                        }

                        await WriteCursorAsync(d, ct);
                        continue;
                    }

                    await d.WaitAsync();
                    continue;
                }

                DropDelivered(d);
                if (GatheringTimeLeft(d) is { } left)
                {
                    await d.WaitAsync(left, _time);
                    continue;
                }

                var batch = TakeContiguous(d) ?? await _store.ReadAfterAsync(_shard, d.Cursor, d.BatchSize, ct);
                if (batch.Count == 0)
                {
                    // Positions the shard counted but PostgreSQL does not hold (rows dropped by retention).
                    d.Cursor = _committed;
                    continue;
                }

                d.OldestUndeliveredAt ??= batch[0].IngestedAt;
                Report(d);
                var events = batch.Select(c => c.Event).ToArray();
                // Delivery runs on the thread pool, not on the sink grain's scheduler, so a destination's
                // own work (stream queue calls, HTTP, serialisation) never holds up appends and flushes.
                // The continuation comes back to the grain, which alone touches the relay's state.
                // On stop the relay stops waiting even for a call that takes no token (an Orleans stream
                // publish during shutdown held a silo's stop for Orleans' 30 s deactivation limit): the
                // cursor stays before the batch, so the next activation delivers it again.
                await Task.Run(() => d.Destination.DeliverAsync(events, ct), ct).WaitAsync(ct);
                d.Cursor = batch[^1].Position;
                d.OldestUndeliveredAt = null;
                failures = 0;
                if (CursorWriteTimeLeft(d) is null)
                {
                    await WriteCursorAsync(d, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                failures++;
                d.LastError = $"{e.GetType().Name}: {e.Message}";
                Report(d);
                LogDeliveryFailed(_logger, e, d.Destination.Name, _shard, failures);
                // Keep the shard active while it owes deliveries; a new activation would resume from the cursor too.
                _keepAlive();
                await d.WaitAsync(Backoff(failures), _time);
            }
        }

        if (d.Written < d.Cursor)
        {
            // Stopping: the delivered position is written once more; if that fails too, the next activation
            // delivers from the last written one again.
            try
            {
                using var timeout = new CancellationTokenSource(_options.FlushTimeout, _time);
                await WriteCursorAsync(d, timeout.Token);
            }
            catch (Exception e)
            {
                LogCursorNotWritten(_logger, e, d.Destination.Name, _shard);
            }
        }
    }

    /// <summary>How long until <paramref name="d"/>'s cursor may be written again; null when it may be now.</summary>
    private TimeSpan? CursorWriteTimeLeft(DestinationState d)
    {
        if (d.WrittenAt is not { } writtenAt)
        {
            return null;
        }

        var left = _options.RelayCursorWriteInterval - _time.GetElapsedTime(writtenAt);
        return left > TimeSpan.Zero ? left : null;
    }

    private async Task WriteCursorAsync(DestinationState d, CancellationToken ct)
    {
        var position = d.Cursor;
        await _cursors.AdvanceAsync(d.Destination.Name, _shard, position, ct);
        d.Written = position;
        d.WrittenAt = _time.GetTimestamp();
    }

    /// <summary>
    /// How much longer a destination with a <see cref="IEventDestination.BatchDelay"/> lets the events
    /// handed over in memory gather (counted from the oldest one's commit); null to deliver now: no delay,
    /// a full batch, or nothing in memory that continues at the cursor (a read-back goes at once). Called
    /// after <see cref="DropDelivered"/>.
    /// </summary>
    private TimeSpan? GatheringTimeLeft(DestinationState d)
    {
        var delay = d.Destination.BatchDelay;
        // Memory holds at most the pending bound, so a batch size above it counts as full at the bound.
        if (delay <= TimeSpan.Zero || d.PendingEvents >= Math.Min(d.BatchSize, PendingBound)
            || !d.Pending.TryPeek(out var head) || head[0].Position != d.Cursor + 1)
        {
            return null;
        }

        var left = delay - (_time.GetUtcNow() - head[0].IngestedAt);
        return left > TimeSpan.Zero ? left : null;
    }

    /// <summary>
    /// The in-memory batches that continue exactly at the cursor, merged up to the relay batch size
    /// (after <see cref="DropDelivered"/>).
    /// </summary>
    private List<CommittedEvent>? TakeContiguous(DestinationState d)
    {
        List<CommittedEvent>? batch = null;
        var next = d.Cursor + 1;
        while (d.Pending.TryPeek(out var head) && head[0].Position == next
               && (batch is null || batch.Count + head.Count <= d.BatchSize))
        {
            d.Pending.Dequeue();
            d.PendingEvents -= head.Count;
            (batch ??= []).AddRange(head);
            next = head[^1].Position + 1;
        }

        return batch;
    }

    /// <summary>Forgets in-memory batches a read-back already delivered.</summary>
    private static void DropDelivered(DestinationState d)
    {
        while (d.Pending.TryPeek(out var stale) && stale[^1].Position <= d.Cursor)
        {
            d.PendingEvents -= d.Pending.Dequeue().Count;
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var ticks = _options.RelayInitialBackoff.Ticks * Math.Pow(2, Math.Min(failures - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(ticks, _options.RelayMaxBackoff.Ticks));
    }

    private void Report(DestinationState d) =>
        _monitor.Report(d.Destination.Name, _shard, new RelayLag(Math.Max(0, _committed - d.Cursor), d.OldestUndeliveredAt, d.LastError));

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cursor of {Destination} on shard {Shard} was not written at stop; the next activation delivers its last events again")]
    private static partial void LogCursorNotWritten(ILogger logger, Exception exception, string destination, int shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery to {Destination} from shard {Shard} failed (attempt {Failures}); retrying from the outbox")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string destination, int shard, int failures);

    private sealed class DestinationState(IEventDestination destination, int batchSize)
    {
        private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IEventDestination Destination { get; } = destination;

        /// <summary>Most events in one delivery: the destination's own limit or the relay's.</summary>
        public int BatchSize { get; } = batchSize;

        /// <summary>The last position delivered.</summary>
        public long Cursor { get; set; }

        /// <summary>The last position written to the PostgreSQL cursor (at most <see cref="Cursor"/>).</summary>
        public long Written { get; set; }

        /// <summary>When this activation last wrote the cursor (<see cref="TimeProvider.GetTimestamp"/>); null before its first write.</summary>
        public long? WrittenAt { get; set; }

        public Queue<IReadOnlyList<CommittedEvent>> Pending { get; } = new();

        public int PendingEvents { get; set; }

        public DateTimeOffset? OldestUndeliveredAt { get; set; }

        public string? LastError { get; set; }

        public Task? Pump { get; set; }

        public void Wake() => _wake.TrySetResult();

        public async Task WaitAsync(TimeSpan? timeout = null, TimeProvider? time = null)
        {
            var wake = _wake.Task;
            if (timeout is { } t)
            {
                await Task.WhenAny(wake, Task.Delay(t, time ?? TimeProvider.System));
            }
            else
            {
                await wake;
            }

            if (_wake.Task.IsCompleted)
            {
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }
}
