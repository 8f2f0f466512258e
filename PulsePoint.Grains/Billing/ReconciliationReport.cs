namespace PulsePoint.Billing;

/// <summary>What one reconcile found: every tenant-day of the range, and where each source was read (or why not).</summary>
/// <param name="From">First UTC day.</param>
/// <param name="To">Last UTC day.</param>
/// <param name="Today">The current UTC day when the reconcile ran: the only day with live counters.</param>
/// <param name="Days">Every tenant-day, by tenant then day.</param>
/// <param name="Sources">Each compared source's name and where it was read, or why it was not checked.</param>
public sealed record ReconciliationReport(
    DateOnly From,
    DateOnly To,
    DateOnly Today,
    IReadOnlyList<ReconciliationDay> Days,
    IReadOnlyList<(string Source, string Description)> Sources)
{
    /// <summary>Tenant-days compared.</summary>
    public int TenantDaysChecked => Days.Count;

    /// <summary>Tenant-days where a checked source disagrees with the ledger.</summary>
    public int Drifted => Days.Count(d => d.Drifted);

    /// <summary>True when no checked source disagrees with the ledger.</summary>
    public bool Agrees => Drifted == 0;
}
