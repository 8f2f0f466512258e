namespace PulsePoint.LoadTest.Faults;

/// <summary>One fault: a name, what it does, and the injection (which marks when the fault starts).</summary>
public sealed record FaultScenario(string Name, string Description, Func<FaultRun, Task> InjectAsync);
