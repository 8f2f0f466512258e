namespace PulsePoint.LoadTest.Faults;

/// <summary>
/// Live progress during a scenario: every 5 s, whatever the suite is waiting for (a hold, a silo's
/// restart, PostgreSQL coming back), one line with the phase and the load's recent rate and errors.
/// </summary>
public sealed class FaultProgress : IDisposable
{
    private readonly string _scenario;
    private readonly SteadyLoad _load;
    private readonly Timer _timer;

    public FaultProgress(string scenario, SteadyLoad load)
    {
        _scenario = scenario;
        _load = load;
        _timer = new Timer(_ => Line(), null, 5000, 5000);
    }

    /// <summary>What the suite is doing now, shown on each line.</summary>
    public string Phase { get; set; } = "starting";

    public void Line() => Console.Error.WriteLine(
        $"[{_scenario}] {_load.NowMs / 1000,6:0.0}s  {Phase}: {RecentRate(),6:0} events/s (last 5 s), acked {_load.Acknowledged.Count}, append errors {_load.Appends.Errors}, check errors {_load.Checks.Errors}");

    public void Dispose() => _timer.Dispose();

    /// <summary>Waits <paramref name="duration"/>, or until <paramref name="done"/> says so, under the phase name <paramref name="phase"/>.</summary>
    public async Task WaitAsync(string phase, TimeSpan duration, Func<bool>? done = null)
    {
        Phase = phase;
        var start = _load.NowMs;
        while (_load.NowMs - start < duration.TotalMilliseconds && done?.Invoke() != true)
        {
            await Task.Delay(250);
        }
    }

    private double RecentRate()
    {
        var second = (int)(_load.NowMs / 1000);
        return _load.Appends.Rate(second - 5, second);
    }
}
