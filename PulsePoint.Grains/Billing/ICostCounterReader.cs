using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>
/// Reads a tenant's live cost counters (what its tenant grain holds for the current UTC day), for
/// <see cref="Reconciliation"/>. The verb reads them through an Orleans client; tests pass their test cluster's.
/// </summary>
public interface ICostCounterReader
{
    /// <summary>The tenant grain's counters of its current UTC day.</summary>
    Task<CostCounters> ReadAsync(TenantId tenant, CancellationToken cancellationToken);
}
