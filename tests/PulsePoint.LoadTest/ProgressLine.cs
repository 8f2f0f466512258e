using HdrHistogram;

namespace PulsePoint.LoadTest;

/// <summary>
/// Live progress on stderr: one line rewritten in place on a terminal, a line every few seconds
/// otherwise (CI logs), so long runs always show they are alive.
/// </summary>
public sealed class ProgressLine
{
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private string _phase = "";
    private int _ticks;

    public void Phase(string phase)
    {
        _phase = phase;
        _ticks = 0;
    }

    public void Update(TimeSpan elapsed, long operations, long errors, HistogramBase latency)
    {
        var p99 = latency.TotalCount == 0 ? 0 : latency.GetValueAtPercentile(99) / 1000.0;
        var line = $"{_phase}: {elapsed.TotalSeconds,5:0}s  {operations / Math.Max(elapsed.TotalSeconds, 0.001),9:0} ops/s  errors {errors}  p99 {p99:0.00} ms";
        if (_terminal)
        {
            Console.Error.Write("\r" + line.PadRight(100));
        }
        else if (++_ticks % 5 == 0)
        {
            Console.Error.WriteLine(line);
        }
    }

    public void Done()
    {
        if (_terminal)
        {
            Console.Error.Write("\r" + new string(' ', 100) + "\r");
        }
    }
}
