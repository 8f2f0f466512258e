using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PulsePoint.Events;

namespace PulsePoint.Client.AspNetCore;

/// <summary>
/// Sends the request events of <see cref="ObservabilityMiddleware"/> in the background, in batches, so a
/// response never waits for PostgreSQL and a cluster outage never fails a request: failures (after the
/// tracker's own retries) are logged and the events dropped. Bounded; flushed when the service stops.
/// </summary>
internal sealed partial class RequestEventRecorder : IAsyncDisposable
{
    private const int MaxBatch = 500;
    private static readonly TimeSpan DrainOnStop = TimeSpan.FromSeconds(5);

    private readonly EventTracker _tracker;
    private readonly ILogger<RequestEventRecorder> _logger;
    private readonly Channel<StructuredEvent> _queue;
    private readonly Lazy<Task> _loop;

    public RequestEventRecorder(EventTracker tracker, ILogger<RequestEventRecorder> logger, IOptions<PulsePointObservabilityOptions> options)
    {
        _tracker = tracker;
        _logger = logger;
        _queue = Channel.CreateBounded<StructuredEvent>(new BoundedChannelOptions(Math.Max(1, options.Value.MaxQueuedEvents))
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails at once: the event is dropped and logged
            SingleReader = true,
        });
        _loop = new Lazy<Task>(() => Task.Run(SendLoopAsync));
    }

    /// <summary>Queues <paramref name="events"/>; never blocks, never throws.</summary>
    public void Record(params StructuredEvent[] events)
    {
        _ = _loop.Value;
        foreach (var e in events)
        {
            if (!_queue.Writer.TryWrite(e))
            {
                LogDropped(_logger, e.EventId, e.EventType);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop.IsValueCreated)
        {
            await _loop.Value.WaitAsync(DrainOnStop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task SendLoopAsync()
    {
        var batch = new List<StructuredEvent>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var e))
            {
                batch.Add(e);
            }

            try
            {
                var results = await _tracker.TrackBatchAsync(batch);
                foreach (var rejected in results.Where(r => r.Outcome == EventAppendOutcome.Rejected))
                {
                    LogRejected(_logger, rejected.EventId, rejected.Field, rejected.Error);
                }
            }
            catch (Exception e)
            {
                LogNotRecorded(_logger, e, batch.Count);
            }

            batch.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PulsePoint could not record {Count} request events; they are lost (the requests themselves were answered)")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PulsePoint request event {EventId} was rejected: {Field} {Error}")]
    private static partial void LogRejected(ILogger logger, Guid eventId, string? field, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PulsePoint request event {EventId} ({EventType}) dropped: the send queue is full")]
    private static partial void LogDropped(ILogger logger, Guid eventId, string eventType);
}
