using PulsePoint.Alerts;

namespace PulsePoint.Billing;

/// <summary>
/// A tenant's alert memory, kept in Orleans grain storage so a restart or a move of the grain neither repeats an
/// alert nor forgets one: what was alerted on <see cref="Day"/> (threshold fractions, an exhausted budget, unpriced
/// models), the <c>cost.alert</c> events not yet accepted by the event sink, and the alerts not yet recorded in the
/// alert outbox (table <c>alerts</c> and their deliveries).
/// </summary>
[GenerateSerializer, Alias("PulsePoint.CostAlertState")]
public sealed class CostAlertState
{
    [Id(0)] public DateOnly Day { get; set; }

    [Id(1)] public List<CostAlert> Raised { get; set; } = [];

    [Id(2)] public List<CostAlert> Unsent { get; set; } = [];

    /// <summary>How many times today a raised threshold or budget resolved alerts; part of the ids of alerts raised again after that.</summary>
    [Id(3)] public int Generation { get; set; }

    /// <summary>Today's <c>budget.exhausted</c> alert, if one was raised.</summary>
    [Id(4)] public Guid? BudgetExhausted { get; set; }

    /// <summary>Today's <c>cost.unpriced</c> alerts by model.</summary>
    [Id(5)] public Dictionary<string, Guid> UnpricedModels { get; set; } = [];

    /// <summary>Alerts raised but not yet recorded in the alert outbox.</summary>
    [Id(6)] public List<Alert> Unrecorded { get; set; } = [];

    /// <summary>Today's <c>budget.exhausted</c> alerts of spend limits, by <see cref="BillingAlerts.SpendExhaustedKey"/>.</summary>
    [Id(7)] public Dictionary<string, Guid> SpendExhausted { get; set; } = [];
}
