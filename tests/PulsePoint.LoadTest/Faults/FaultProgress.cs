namespace PulsePoint.LoadTest.Faults;

/// <summary>Live progress lines during the suite's long waits: the load's recent rate and errors every 5 s.</summary>
public static class FaultProgress
{
    public static async Task WaitAsync(string scenario, string what, TimeSpan duration, SteadyLoad load, Func<bool>? done = null)
    {
        var start = load.NowMs;
        var nextLine = start + 5000;
        while (load.NowMs - start < duration.TotalMilliseconds && done?.Invoke() != true)
        {
            await Task.Delay(250);
            if (load.NowMs >= nextLine)
            {
                nextLine += 5000;
                Line(scenario, $"{what} {(load.NowMs - start) / 1000:0}/{duration.TotalSeconds:0} s", load);
            }
        }
    }

    public static void Line(string scenario, string what, SteadyLoad load)
    {
        var second = (int)(load.NowMs / 1000) - 1;
        Console.Error.WriteLine(
            $"[{scenario}] {load.NowMs / 1000,6:0.0}s  {what}: {load.Appends.Rate(second - 4, second + 1),7:0} events/s (last 5 s), acked {load.Acknowledged.Count}, append errors {load.Appends.Errors}, check errors {load.Checks.Errors}");
    }
}
