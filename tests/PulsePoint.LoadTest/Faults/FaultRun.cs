namespace PulsePoint.LoadTest.Faults;

/// <summary>What a fault injection works with, and the marks it leaves on the load's clock.</summary>
public sealed class FaultRun(string scenario, FaultOptions options, DeployScripts scripts, PubSubProxy proxy, PubSubSubscriber subscriber, SteadyLoad load, FaultProgress progress)
{
    public FaultOptions Options { get; } = options;

    public DeployScripts Scripts { get; } = scripts;

    public PubSubProxy Proxy { get; } = proxy;

    public PubSubSubscriber Subscriber { get; } = subscriber;

    public SteadyLoad Load { get; } = load;

    /// <summary>Every action, with its time (ms on the load's clock).</summary>
    public List<(string Label, double AtMs)> Marks { get; } = [];

    /// <summary>When the first fault action started.</summary>
    public double FaultMs { get; private set; } = double.NaN;

    /// <summary>Event ids acknowledged before the last action (the recovery step), for the delivery catch-up time.</summary>
    public HashSet<Guid> AcknowledgedBeforeLastMark { get; private set; } = [];

    public void MarkFault(string label)
    {
        FaultMs = Load.NowMs;
        Mark(label);
    }

    public void Mark(string label)
    {
        Marks.Add((label, Load.NowMs));
        AcknowledgedBeforeLastMark = [.. Load.Acknowledged.Keys];
        progress.Phase = label;
        Console.Error.WriteLine($"[{scenario}] {Load.NowMs / 1000,6:0.0}s  {label}");
    }

    /// <summary>Waits <paramref name="duration"/> (progress lines continue every 5 s).</summary>
    public Task HoldAsync(TimeSpan duration, string what) => progress.WaitAsync($"{what} (hold {duration.TotalSeconds:0} s)", duration);
}
