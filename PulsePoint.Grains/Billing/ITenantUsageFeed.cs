using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>
/// The event sink's hand-off of committed usage to a tenant's billing grain (key: the tenant id). Internal:
/// only silo code feeds the counters; no client can add usage.
/// </summary>
[Alias("PulsePoint.ITenantUsageFeed")]
internal interface ITenantUsageFeed : ITenantKeyedGrain
{
    /// <summary>
    /// Adds the usage of one committed event batch to today's counters and raises any cost alert it
    /// crosses. Lines of other days than the current or previous UTC day are ignored.
    /// </summary>
    [Alias("AddUsage")]
    Task AddUsageAsync(UsageBatch batch);

    /// <summary>
    /// Rebuilds today's counters from the ledger. The sink asks for it when a retried AI event turns out to be
    /// stored already: the flush that stored it may have lost PostgreSQL's answer to its commit, and then never
    /// handed its usage over.
    /// </summary>
    [Alias("Recount")]
    Task RecountAsync();
}
