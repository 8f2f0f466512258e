using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Client.Resilience;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// Reads a tenant's live cost counters from its billing grain through a cluster client, inside the tenant's
/// <see cref="TenantScope"/> as every client of the library calls tenant-keyed grains (the silo's call filter admits
/// only the grain's own tenant). The read is idempotent, so transient cluster errors are retried.
/// </summary>
public sealed class ClusterCostCounters(IGrainFactory grains) : ICostCounterReader
{
    /// <inheritdoc />
    public async Task<CostCounters> ReadAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        using (TenantScope.Begin(tenant))
        {
            var grain = grains.GetGrain<ITenantBillingGrain>(tenant.Value);
            return await TransientClusterErrors.RetryAsync(async _ => await grain.GetCostCountersAsync(), cancellationToken);
        }
    }
}
