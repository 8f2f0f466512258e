namespace PulsePoint.Alerts;

/// <summary>The kinds of alert PulsePoint sends to a tenant's channels (the <c>kind</c> field of every payload).</summary>
public static class AlertKinds
{
    /// <summary>Today's AI spend crossed a fraction of the daily cost threshold (once per fraction per UTC day).</summary>
    public const string CostThreshold = "cost.threshold";

    /// <summary>A budget reservation was denied because the hard daily budget is used up (once per UTC day).</summary>
    public const string BudgetExhausted = "budget.exhausted";

    /// <summary>AI events of a model without a price arrived; they count tokens, not cost (once per model per UTC day).</summary>
    public const string CostUnpriced = "cost.unpriced";

    /// <summary>Earlier alerts no longer hold: a new UTC day started, or the threshold or budget was raised above the spend.</summary>
    public const string Resolved = "alert.resolved";

    /// <summary>Every kind, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } = [CostThreshold, BudgetExhausted, CostUnpriced, Resolved];
}
