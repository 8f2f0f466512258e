using System.Diagnostics.Metrics;
using PulsePoint.Tenancy;

namespace PulsePoint.Events;

/// <summary>
/// Event sink measurements (meter <c>PulsePoint</c>): appended, rejected and overloaded events, flushes and
/// their batch sizes. Totals are also readable in-process, so tests and benchmarks can see group commit.
/// </summary>
public sealed class EventMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _stored;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _overloaded;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _flushDuration;
    private long _flushes;
    private long _flushedEvents;
    private long _largestBatch;

    public EventMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(TenantMetrics.MeterName);
        _stored = _meter.CreateCounter<long>("pulsepoint.events.stored", description: "Events committed to PostgreSQL");
        _rejected = _meter.CreateCounter<long>("pulsepoint.events.rejected", description: "Events rejected by validation");
        _overloaded = _meter.CreateCounter<long>("pulsepoint.events.overloaded", description: "Events refused because a sink buffer was full");
        _batchSize = _meter.CreateHistogram<int>("pulsepoint.events.flush_batch_size", unit: "{event}", description: "Events per committed flush");
        _flushDuration = _meter.CreateHistogram<double>("pulsepoint.events.flush_duration", unit: "ms", description: "Duration of one flush transaction");
    }

    /// <summary>Flushes committed on this silo since start.</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>Events in committed flushes on this silo since start.</summary>
    public long FlushedEvents => Interlocked.Read(ref _flushedEvents);

    /// <summary>The largest committed flush on this silo since start.</summary>
    public long LargestBatch => Interlocked.Read(ref _largestBatch);

    public void Flushed(int events, int stored, TimeSpan duration)
    {
        Interlocked.Increment(ref _flushes);
        Interlocked.Add(ref _flushedEvents, events);
        long seen;
        while (events > (seen = Interlocked.Read(ref _largestBatch)) && Interlocked.CompareExchange(ref _largestBatch, events, seen) != seen)
        {
        }

        _stored.Add(stored);
        _batchSize.Record(events);
        _flushDuration.Record(duration.TotalMilliseconds);
    }

    public void Rejected(int count) => _rejected.Add(count);

    public void Overloaded(int count) => _overloaded.Add(count);

    public void Dispose() => _meter.Dispose();
}
