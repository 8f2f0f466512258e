using Orleans.Concurrency;

namespace PulsePoint.Tenancy;

/// <summary>
/// The single owner of one tenant's status (key: the tenant id). It reads PostgreSQL once on activation
/// and answers from memory; changes made through it are visible to the next call from any client. The
/// tenant's money lives beside it in <see cref="Billing.ITenantBillingGrain"/> (same key). A backend service reads
/// its own tenant's status here; creating, activating and deactivating a tenant are the operator's, through the silo.
/// </summary>
[Alias("PulsePoint.ITenantGrain")]
public interface ITenantGrain : ITenantKeyedGrain
{
    /// <summary>Returns the tenant's status from memory (no database access once activated).</summary>
    [ReadOnly, Alias("GetStatus")]
    Task<TenantStatus> GetStatusAsync();

    /// <summary>Returns the held status, name and database-load count.</summary>
    [ReadOnly, Alias("GetSnapshot")]
    Task<TenantSnapshot> GetSnapshotAsync();
}
