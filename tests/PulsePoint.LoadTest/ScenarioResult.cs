namespace PulsePoint.LoadTest;

/// <summary>A scenario's PulsePoint phase, its baseline phase (if run) and extra figures.</summary>
public sealed record ScenarioResult(Scenario Scenario, PhaseResult PulsePoint, PhaseResult? Baseline, IReadOnlyDictionary<string, double> Extra)
{
    /// <summary>PulsePoint's throughput divided by the baseline's; null without a baseline.</summary>
    public double? Ratio => Baseline is { OpsPerSecond: > 0 } b ? PulsePoint.OpsPerSecond / b.OpsPerSecond : null;
}
