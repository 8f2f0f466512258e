using HdrHistogram;

namespace PulsePoint.LoadTest;

/// <summary>The figures of one measured phase (PulsePoint or baseline) of a scenario.</summary>
public sealed record PhaseResult(string Label, long Operations, long Errors, TimeSpan Elapsed, HistogramBase Latency, IReadOnlyDictionary<string, long> ErrorKinds)
{
    public double OpsPerSecond => Elapsed.TotalSeconds > 0 ? Operations / Elapsed.TotalSeconds : 0;

    public double ErrorRate => Operations + Errors == 0 ? 0 : (double)Errors / (Operations + Errors);

    /// <summary>Latency percentile in milliseconds (recorded in microseconds).</summary>
    public double Ms(double percentile) => Latency.TotalCount == 0 ? 0 : Latency.GetValueAtPercentile(percentile) / 1000.0;
}
