using HdrHistogram;

namespace PulsePoint.LoadTest;

/// <summary>The figures of one measured phase (PulsePoint or baseline) of a scenario.</summary>
public sealed record PhaseResult(string Label, long Operations, long Errors, TimeSpan Elapsed, HistogramBase Latency, IReadOnlyDictionary<string, long> ErrorKinds)
{
    public double OpsPerSecond => Elapsed.TotalSeconds > 0 ? Operations / Elapsed.TotalSeconds : 0;

    public double ErrorRate => Operations + Errors == 0 ? 0 : (double)Errors / (Operations + Errors);

    /// <summary>Latency percentile in milliseconds (recorded in microseconds).</summary>
    public double Ms(double percentile) => Latency.TotalCount == 0 ? 0 : Latency.GetValueAtPercentile(percentile) / 1000.0;

    /// <summary>Both slices of one phase as one: operations, errors and time added, latencies pooled.</summary>
    public PhaseResult Add(PhaseResult other)
    {
        var latency = Latency.Copy();
        latency.Add(other.Latency);
        var kinds = ErrorKinds.ToDictionary(k => k.Key, k => k.Value);
        foreach (var (kind, count) in other.ErrorKinds)
        {
            kinds[kind] = kinds.GetValueOrDefault(kind) + count;
        }

        return new PhaseResult(Label, Operations + other.Operations, Errors + other.Errors, Elapsed + other.Elapsed, latency, kinds);
    }
}
