using Orleans.Concurrency;

namespace PulsePoint.Tenancy;

/// <summary>
/// The single owner of one tenant's status (key: the tenant id). It reads PostgreSQL once on activation
/// and answers from memory; changes made through it are visible to the next call from any client. The
/// tenant's money lives beside it in <see cref="Billing.ITenantBillingGrain"/> (same key).
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

    /// <summary>Creates the tenant (active) if it does not exist; returns its snapshot either way.</summary>
    /// <param name="name">Display name, 1–200 characters.</param>
    /// <param name="dailyCostThresholdUsd">Daily cost alert threshold; null uses the configured default.</param>
    [Alias("Create")]
    Task<TenantSnapshot> CreateAsync(string name, decimal? dailyCostThresholdUsd = null);

    /// <summary>Marks the tenant active in PostgreSQL and memory together.</summary>
    /// <exception cref="TenantNotFoundException">The tenant does not exist.</exception>
    [Alias("Activate")]
    Task ActivateAsync();

    /// <summary>Marks the tenant inactive in PostgreSQL and memory together; takes effect on the next call.</summary>
    /// <exception cref="TenantNotFoundException">The tenant does not exist.</exception>
    [Alias("Deactivate")]
    Task DeactivateAsync();

    /// <summary>Re-reads the tenant from PostgreSQL now (the timer does this periodically).</summary>
    [Alias("Refresh")]
    Task<TenantSnapshot> RefreshAsync();
}
