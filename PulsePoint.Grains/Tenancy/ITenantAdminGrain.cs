using PulsePoint.Operators;

namespace PulsePoint.Tenancy;

/// <summary>
/// The operator's side of a tenant's status (key: the tenant id; the same grain as <see cref="ITenantGrain"/>, so a
/// change is seen by the next status check cluster-wide). An operator interface: reached through the silo — its demo
/// set-up, admin tools and operator clients — never by a backend service, which may only read its tenant's status.
/// </summary>
[Alias("PulsePoint.ITenantAdminGrain")]
public interface ITenantAdminGrain : IOperatorGrain, IGrainWithGuidKey
{
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
