namespace PulsePoint.Billing;

/// <summary>
/// The AI usage one committed event batch added for one tenant, summed per day and model. The event
/// sink sends it to the tenant grain once per tenant per committed batch, after the commit.
/// </summary>
/// <param name="Lines">One line per (UTC day, model) present in the batch.</param>
/// <param name="Reserved">
/// The part of the lines' cost whose events named a budget reservation, per day and reservation; the
/// hard budget counts each reservation once (see <c>ITenantGrain.GetBudgetAsync</c>).
/// </param>
/// <param name="TransactionId">
/// The PostgreSQL transaction (xid8) that committed the usage rows. A tenant grain that activated after
/// that commit already counted the rows when it loaded its counters, and skips the batch; null: always add.
/// </param>
/// <param name="Scoped">The same usage per quarter hour and user, API key and feature, for the spend limits; null: none.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.UsageBatch")]
public sealed record UsageBatch(IReadOnlyList<UsageLine> Lines, IReadOnlyList<ReservationUsage> Reserved, long? TransactionId, IReadOnlyList<ScopedUsage>? Scoped = null);
