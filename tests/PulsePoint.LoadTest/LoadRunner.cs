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
    /// <summary>The largest latency recorded (2 minutes); longer ones count as this.</summary>
    internal const long MaxMicros = 120_000_000;

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

    /// <summary>
    /// Runs PulsePoint and the baseline call by call (closed loop): each caller draws one seed per pair and runs
    /// both operations with a <see cref="Random"/> made from it, so both do the same work (same tenant, brand and
    /// range), alternating which goes first. Both sides meet every slow spell of the machine together. Each side's
    /// elapsed time is its callers' time spent in it divided by the concurrency, so its ops/s is concurrency ÷ mean
    /// latency, what it would sustain alone (Little's law). <c>Ratios</c> holds each pair's PulsePoint ÷ baseline
    /// latency in thousandths.
    /// </summary>
    public static Task<PairedResult> MeasurePairedAsync(
        string label,
        Func<Random, CancellationToken, Task> pulsePoint,
        Func<Random, CancellationToken, Task> baseline,
        LoadOptions options,
        TimeSpan duration,
        ProgressLine progress,
        CancellationToken cancellationToken)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        return RunPairsAsync(label, pulsePoint, baseline, options, _ => Stopwatch.GetTimestamp() < end, progress, cancellationToken);
    }

    /// <summary>
    /// As <see cref="MeasurePairedAsync(string, Func{Random, CancellationToken, Task}, Func{Random, CancellationToken, Task}, LoadOptions, TimeSpan, ProgressLine, CancellationToken)"/>,
    /// but each caller runs exactly <paramref name="pairsPerCaller"/> pairs: a fixed amount of work, whatever the machine's speed.
    /// </summary>
    public static Task<PairedResult> MeasurePairedAsync(
        string label,
        Func<Random, CancellationToken, Task> pulsePoint,
        Func<Random, CancellationToken, Task> baseline,
        LoadOptions options,
        int pairsPerCaller,
        ProgressLine progress,
        CancellationToken cancellationToken) =>
        RunPairsAsync(label, pulsePoint, baseline, options, done => done < pairsPerCaller, progress, cancellationToken);

    /// <summary>Each caller runs pairs while <paramref name="another"/> (given the pairs it has run) says so.</summary>
    private static async Task<PairedResult> RunPairsAsync(
        string label,
        Func<Random, CancellationToken, Task> pulsePoint,
        Func<Random, CancellationToken, Task> baseline,
        LoadOptions options,
        Func<int, bool> another,
        ProgressLine progress,
        CancellationToken cancellationToken)
    {
        progress.Phase(label);
        PairedSide product = new(), reference = new();
        var ratios = new IntConcurrentHistogram(1, MaxMicros, 3);
        var blocks = new PairBlocks(TimeSpan.FromSeconds(1));
        var start = Stopwatch.GetTimestamp();
        using var reporter = new Timer(_ => progress.Update(
            Stopwatch.GetElapsedTime(start), Interlocked.Read(ref product.Operations), Interlocked.Read(ref product.Errors), product.Latency), null, 1000, 1000);

        var workers = Enumerable.Range(0, options.Concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(HashCode.Combine(options.Seed, worker));
            for (var done = 0; !cancellationToken.IsCancellationRequested && another(done); done++)
            {
                var seed = random.Next();
                var sinceStart = Stopwatch.GetElapsedTime(start);
                var baselineFirst = (worker + done) % 2 == 1;
                var first = await (baselineFirst ? reference : product).TimeAsync(baselineFirst ? baseline : pulsePoint, seed, cancellationToken);
                var second = await (baselineFirst ? product : reference).TimeAsync(baselineFirst ? pulsePoint : baseline, seed, cancellationToken);
                var (productMicros, referenceMicros) = baselineFirst ? (second, first) : (first, second);
                if (productMicros is { } p && referenceMicros is { } r)
                {
                    ratios.RecordValue(Math.Clamp(p * 1000 / r, 1, MaxMicros));
                    blocks.Record(sinceStart, p, r);
                }
            }
        }, cancellationToken)).ToArray();

        await Task.WhenAll(workers);
        progress.Done();
        return new PairedResult(product.Result(label, options.Concurrency), reference.Result(label, options.Concurrency), ratios, blocks);
    }

    /// <summary>
    /// What a paired run measured: each side's figures, each pair's PulsePoint ÷ baseline latency (in thousandths),
    /// and the pairs by one-second block for intervals around the percentile ratios.
    /// </summary>
    public sealed record PairedResult(PhaseResult PulsePoint, PhaseResult Baseline, HistogramBase Ratios, PairBlocks Blocks);

    /// <summary>One side of a paired run: its latencies, counts and the callers' time spent in it.</summary>
    private sealed class PairedSide
    {
        public readonly HistogramBase Latency = new IntConcurrentHistogram(1, MaxMicros, 3);
        public readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> Kinds = new();
        public long Operations, Errors, BusyTicks;

        /// <summary>Runs one operation with the pair's seed; its latency in microseconds, or null when it failed.</summary>
        public async Task<long?> TimeAsync(Func<Random, CancellationToken, Task> operation, int seed, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await operation(new Random(seed), cancellationToken);
                var ticks = Stopwatch.GetTimestamp() - started;
                Interlocked.Add(ref BusyTicks, ticks);
                var micros = Math.Clamp(ticks * 1_000_000 / Stopwatch.Frequency, 1, MaxMicros);
                Latency.RecordValue(micros);
                Interlocked.Increment(ref Operations);
                return micros;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                Interlocked.Add(ref BusyTicks, Stopwatch.GetTimestamp() - started);
                Interlocked.Increment(ref Errors);
                Kinds.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
                return null;
            }
        }

        public PhaseResult Result(string label, int concurrency) => new(
            label, Operations, Errors, TimeSpan.FromSeconds((double)BusyTicks / Stopwatch.Frequency / concurrency), Latency, Kinds);
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
