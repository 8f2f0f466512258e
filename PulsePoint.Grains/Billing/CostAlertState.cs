namespace PulsePoint.Billing;

/// <summary>
/// A tenant's cost-alert memory, kept in Orleans grain storage so a restart or a move of the grain
/// neither repeats an alert nor forgets one: the fractions alerted on <see cref="Day"/>, and the alert
/// events not yet accepted by the event sink.
/// </summary>
[GenerateSerializer, Alias("PulsePoint.CostAlertState")]
public sealed class CostAlertState
{
    [Id(0)] public DateOnly Day { get; set; }

    [Id(1)] public List<CostAlert> Raised { get; set; } = [];

    [Id(2)] public List<CostAlert> Unsent { get; set; } = [];
}
