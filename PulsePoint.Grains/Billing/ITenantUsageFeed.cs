using PulsePoint.Operators;

namespace PulsePoint.Billing;

/// <summary>
/// The event sink's hand-off of committed usage to a tenant's billing grain (key: the tenant id). An operator
/// interface: only silo code (signed by the silo) feeds the counters; no backend service can add or take away usage.
/// </summary>
[Alias("PulsePoint.ITenantUsageFeed")]
internal interface ITenantUsageFeed : IOperatorGrain, IGrainWithGuidKey
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
