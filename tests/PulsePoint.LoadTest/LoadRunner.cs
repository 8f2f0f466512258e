using System.Diagnostics;
using HdrHistogram;

namespace PulsePoint.LoadTest;

/// <summary>
/// Drives one operation with N concurrent callers, closed-loop (as fast as answers come) or open-loop
/// at a target rate. In open loop each call has an intended start time on a fixed schedule and its
/// latency is measured from that time, so a stalled system is charged for the calls it delayed
/// (coordinated-omission correction). Latencies go to an HdrHistogram in microseconds.
/// </summary>
public static class LoadRunner
{
    private const long MaxMicros = 120_000_000;

    /// <summary>Runs <paramref name="operation"/> unmeasured for the warm-up time.</summary>
    public static async Task WarmUpAsync(
        string label, Func<Random, CancellationToken, Task> operation, LoadOptions options, ProgressLine progress, CancellationToken cancellationToken)
    {
        if (options.WarmUp > TimeSpan.Zero)
        {
            progress.Phase($"{label} (warm-up)");
            await RunPhaseAsync(operation, options, options.WarmUp, progress, cancellationToken);
        }
    }

    /// <summary>Runs <paramref name="operation"/> for <paramref name="duration"/> and returns what it measured.</summary>
    public static async Task<PhaseResult> MeasureAsync(
        string label, Func<Random, CancellationToken, Task> operation, LoadOptions options, TimeSpan duration, ProgressLine progress, CancellationToken cancellationToken)
    {
        progress.Phase(label);
        var (ops, errors, elapsed, histogram, kinds) = await RunPhaseAsync(operation, options, duration, progress, cancellationToken);
        progress.Done();
        return new PhaseResult(label, ops, errors, elapsed, histogram, kinds);
    }

    private static async Task<(long, long, TimeSpan, HistogramBase, IReadOnlyDictionary<string, long>)> RunPhaseAsync(
        Func<Random, CancellationToken, Task> operation, LoadOptions options, TimeSpan duration, ProgressLine progress, CancellationToken cancellationToken)
    {
        var histogram = new IntConcurrentHistogram(1, MaxMicros, 3);
        var kinds = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        long operations = 0, errors = 0, scheduled = -1;
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var interval = options.Rate is { } rate ? Stopwatch.Frequency / rate : 0;

        using var reporter = new Timer(_ => progress.Update(
            Stopwatch.GetElapsedTime(start), Interlocked.Read(ref operations), Interlocked.Read(ref errors), histogram), null, 1000, 1000);

        var workers = Enumerable.Range(0, options.Concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(HashCode.Combine(options.Seed, worker));
            while (!cancellationToken.IsCancellationRequested)
            {
                long intended;
                if (interval > 0)
                {
                    intended = start + (long)(Interlocked.Increment(ref scheduled) * interval);
                    if (intended >= end)
                    {
                        return;
                    }

                    var wait = intended - Stopwatch.GetTimestamp();
                    if (wait > 0)
                    {
                        await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken);
                    }
                }
                else
                {
                    intended = Stopwatch.GetTimestamp();
                    if (intended >= end)
                    {
                        return;
                    }
                }

                try
                {
                    await operation(random, cancellationToken);
                    var micros = (Stopwatch.GetTimestamp() - intended) * 1_000_000 / Stopwatch.Frequency;
                    histogram.RecordValue(Math.Clamp(micros, 1, MaxMicros));
                    Interlocked.Increment(ref operations);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors);
                    kinds.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
                }
            }
        }, cancellationToken)).ToArray();

        await Task.WhenAll(workers);
        return (operations, errors, Stopwatch.GetElapsedTime(start), histogram, kinds);
    }
}
