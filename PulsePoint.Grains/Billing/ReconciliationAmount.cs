namespace PulsePoint.Billing;

/// <summary>One source's AI cost for one tenant-day: a checked amount, not checked (with the reason), or not applicable.</summary>
public sealed record ReconciliationAmount
{
    private ReconciliationAmount(decimal? usd, string? notCheckedReason)
    {
        Usd = usd;
        NotCheckedReason = notCheckedReason;
    }

    /// <summary>Nothing to compare on this day (the live counters exist for the current UTC day only).</summary>
    public static ReconciliationAmount NotApplicable { get; } = new(null, null);

    /// <summary>The amount in USD when checked.</summary>
    public decimal? Usd { get; }

    /// <summary>Why the source was not checked on this day; null when checked or not applicable.</summary>
    public string? NotCheckedReason { get; }

    /// <summary>An amount read from the source.</summary>
    public static ReconciliationAmount Checked(decimal usd) => new(usd, null);

    /// <summary>The source could not be compared on this day, and why.</summary>
    public static ReconciliationAmount NotChecked(string reason) => new(null, reason);
}
