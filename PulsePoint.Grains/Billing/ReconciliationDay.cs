using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>
/// One tenant's AI cost for one UTC day as each source has it, compared with the ledger (<c>ai_token_usage</c>,
/// the record the tenant is billed from).
/// </summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Day">The UTC day.</param>
/// <param name="LedgerUsd">Sum of the day's priced usage rows (<c>total_cost_usd</c>); unpriced rows add nothing.</param>
/// <param name="LedgerEvents">Usage rows of the day.</param>
/// <param name="UnpricedEvents">Of those, the rows that could not be priced.</param>
/// <param name="Events">Sum of <c>cost_usd</c> of the day's <c>ai.operations</c> events in the event store (before <paramref name="Before"/>).</param>
/// <param name="Counters">The tenant grain's cost counter (the current UTC day only), compared with the whole day's ledger.</param>
/// <param name="Warehouse">The warehouse's daily cost (before <paramref name="Before"/>).</param>
/// <param name="Before">
/// On the current UTC day, the instant the event store and the warehouse are compared up to (see
/// <see cref="ReconciliationOptions.LiveLag"/>); null: the whole day.
/// </param>
/// <param name="LedgerBeforeUsd">The ledger's amount for events before <paramref name="Before"/>; the whole day's when that is null.</param>
public sealed record ReconciliationDay(
    TenantId Tenant,
    DateOnly Day,
    decimal LedgerUsd,
    long LedgerEvents,
    long UnpricedEvents,
    ReconciliationAmount Events,
    ReconciliationAmount Counters,
    ReconciliationAmount Warehouse,
    DateTimeOffset? Before = null,
    decimal? LedgerBeforeUsd = null)
{
    /// <summary>Each checked source whose amount is not the ledger's, in the order events, counters, warehouse.</summary>
    public IReadOnlyList<ReconciliationDrift> Drifts { get; } =
        new[]
        {
            ("events", Events, LedgerBeforeUsd ?? LedgerUsd, Before),
            ("counters", Counters, LedgerUsd, (DateTimeOffset?)null),
            ("warehouse", Warehouse, LedgerBeforeUsd ?? LedgerUsd, Before),
        }
            .Where(s => s.Item2.Usd is { } usd && !ReconciliationDrift.Agree(usd, s.Item3))
            .Select(s => new ReconciliationDrift(s.Item1, s.Item2.Usd!.Value, s.Item3, s.Item4))
            .ToArray();

    /// <summary>True when any checked source disagrees with the ledger.</summary>
    public bool Drifted => Drifts.Count > 0;

    /// <summary>True when any source has AI usage or cost on this day (a day without any is counted but need not be listed).</summary>
    public bool HasActivity =>
        LedgerEvents > 0 || Drifted || new[] { Events, Counters, Warehouse }.Any(a => a.Usd is { } usd && usd != 0);
}
