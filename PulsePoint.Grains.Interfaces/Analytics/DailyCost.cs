namespace PulsePoint.Analytics;

/// <summary>One UTC day's cost of a tenant (every event with a cost) against its daily threshold.</summary>
/// <param name="Day">The UTC day.</param>
/// <param name="CostUsd">Sum of the day's event costs in USD.</param>
/// <param name="ThresholdUsd">The tenant's daily cost threshold (its own, or the configured default).</param>
/// <param name="Events">Events with a cost that day.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.DailyCost")]
public sealed record DailyCost(DateOnly Day, decimal CostUsd, decimal ThresholdUsd, long Events)
{
    /// <summary>True when the day's cost reached the threshold.</summary>
    public bool OverThreshold => CostUsd >= ThresholdUsd;
}
