using System.Collections.Concurrent;

namespace PulsePoint.LoadTest.Faults;

/// <summary>
/// What the steady load saw, second by second: successful appends (events acknowledged) and errors by
/// type, on one clock (milliseconds since the load started). Recovery times are computed from it.
/// Thread-safe for the recording side; the analysis reads a snapshot after the load stopped.
/// </summary>
public sealed class LoadTimeline
{
    private readonly ConcurrentDictionary<int, long> _ackedPerSecond = new();
    private readonly ConcurrentDictionary<string, long> _errorsByType = new();
    private readonly ConcurrentDictionary<string, string> _errorSamples = new();
    private readonly ConcurrentQueue<(double AtMs, double StartedMs)> _successes = new();
    private readonly ConcurrentQueue<double> _errorTimes = new();

    /// <summary>An append (or tenant check) started at <paramref name="startedMs"/> succeeded at <paramref name="atMs"/>, acknowledging <paramref name="events"/> events.</summary>
    public void Success(double startedMs, double atMs, int events)
    {
        if (events > 0)
        {
            _ackedPerSecond.AddOrUpdate((int)(atMs / 1000), events, (_, n) => n + events);
        }

        _successes.Enqueue((atMs, startedMs));
    }

    /// <summary>A call failed at <paramref name="atMs"/>; counted by type, the first message of each type kept as a sample.</summary>
    public void Error(double atMs, string type, string message)
    {
        _errorsByType.AddOrUpdate(type, 1, (_, n) => n + 1);
        _errorSamples.TryAdd(type, message.Length > 160 ? message[..160] + "…" : message);
        _errorTimes.Enqueue(atMs);
    }

    public IReadOnlyDictionary<string, long> ErrorsByType => _errorsByType;

    public IReadOnlyDictionary<string, string> ErrorSamples => _errorSamples;

    public long Errors => _errorsByType.Values.Sum();

    /// <summary>Events acknowledged in the whole second starting at <paramref name="second"/> s.</summary>
    public long AckedIn(int second) => _ackedPerSecond.TryGetValue(second, out var n) ? n : 0;

    /// <summary>Errors per whole second.</summary>
    public Dictionary<int, int> ErrorsPerSecond() => _errorTimes.GroupBy(t => (int)(t / 1000)).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Mean events acknowledged per second over the whole seconds [from, to).</summary>
    public double Rate(int fromSecond, int toSecond) =>
        toSecond <= fromSecond ? 0 : Enumerable.Range(fromSecond, toSecond - fromSecond).Sum(AckedIn) / (double)(toSecond - fromSecond);

    /// <summary>Milliseconds from <paramref name="faultMs"/> to the first success of a call that started at or after it; null if none.</summary>
    public double? FirstSuccessAfter(double faultMs)
    {
        var first = _successes.Where(s => s.StartedMs >= faultMs).Select(s => s.AtMs).DefaultIfEmpty(double.NaN).Min();
        return double.IsNaN(first) ? null : first - faultMs;
    }

    /// <summary>Milliseconds from <paramref name="faultMs"/> to the last error after it; null if no call failed after it.</summary>
    public double? LastErrorAfter(double faultMs)
    {
        var last = _errorTimes.Where(t => t >= faultMs).DefaultIfEmpty(double.NaN).Max();
        return double.IsNaN(last) ? null : last - faultMs;
    }

    /// <summary>
    /// Throughput recovery, conservatively: the last whole second at or after <paramref name="faultMs"/> whose rate
    /// is below <paramref name="fraction"/> of <paramref name="baselineRate"/> is the end of the disruption; every
    /// whole second after it up to <paramref name="endMs"/> is at or above that rate. Returns milliseconds from the
    /// fault to the start of the second after that last dip; 0 when no second dipped; null while fewer than
    /// <paramref name="stableSeconds"/> good seconds follow the last dip (not back, or not proven yet).
    /// </summary>
    public double? ThroughputRecovered(double faultMs, double endMs, double baselineRate, double fraction = 0.8, int stableSeconds = 3)
    {
        var threshold = baselineRate * fraction;
        var first = (int)Math.Ceiling(faultMs / 1000);
        var lastWhole = (int)(endMs / 1000) - 1;
        var lastDip = -1;
        for (var s = first; s <= lastWhole; s++)
        {
            if (AckedIn(s) < threshold)
            {
                lastDip = s;
            }
        }

        if (lastDip < 0)
        {
            return 0;
        }

        return lastWhole - lastDip < stableSeconds ? null : Math.Max(0, (lastDip + 1) * 1000.0 - faultMs);
    }

    /// <summary>The lowest one-second rate in the whole seconds [from, to) (the depth of the dip).</summary>
    public long MinimumIn(int fromSecond, int toSecond) =>
        toSecond <= fromSecond ? 0 : Enumerable.Range(fromSecond, toSecond - fromSecond).Min(AckedIn);
}
