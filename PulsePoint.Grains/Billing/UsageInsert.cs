namespace PulsePoint.Billing;

/// <summary>What an insert into <c>ai_token_usage</c> stored: the new rows and the transaction (xid8) that wrote them.</summary>
public sealed record UsageInsert(IReadOnlyList<UsageRecord> Inserted, long? TransactionId)
{
    /// <summary>The tenant grains' summaries of the inserted rows: one batch per tenant.</summary>
    public IReadOnlyDictionary<Tenancy.TenantId, UsageBatch> PerTenant() => UsageLedger.Summarize(Inserted, TransactionId);
}
