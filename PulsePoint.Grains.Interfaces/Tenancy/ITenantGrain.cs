using Orleans.Concurrency;
using PulsePoint.Billing;

namespace PulsePoint.Tenancy;

/// <summary>
/// The single owner of one tenant's status (key: the tenant id). It reads PostgreSQL once on activation
/// and answers from memory; changes made through it are visible to the next call from any client.
/// </summary>
public interface ITenantGrain : ITenantKeyedGrain
{
    /// <summary>Returns the tenant's status from memory (no database access once activated).</summary>
    [ReadOnly]
    Task<TenantStatus> GetStatusAsync();

    /// <summary>Returns the held status, name and database-load count.</summary>
    [ReadOnly]
    Task<TenantSnapshot> GetSnapshotAsync();

    /// <summary>Creates the tenant (active) if it does not exist; returns its snapshot either way.</summary>
    /// <param name="name">Display name, 1–200 characters.</param>
    /// <param name="dailyCostThresholdUsd">Daily cost alert threshold; null uses the configured default.</param>
    Task<TenantSnapshot> CreateAsync(string name, decimal? dailyCostThresholdUsd = null);

    /// <summary>Marks the tenant active in PostgreSQL and memory together.</summary>
    /// <exception cref="TenantNotFoundException">The tenant does not exist.</exception>
    Task ActivateAsync();

    /// <summary>Marks the tenant inactive in PostgreSQL and memory together; takes effect on the next call.</summary>
    /// <exception cref="TenantNotFoundException">The tenant does not exist.</exception>
    Task DeactivateAsync();

    /// <summary>Re-reads the tenant from PostgreSQL now (the timer does this periodically).</summary>
    Task<TenantSnapshot> RefreshAsync();

    /// <summary>
    /// Adds the usage of one committed event batch to today's counters and raises any cost alert it
    /// crosses. Called by the event sink once per tenant per committed batch; lines of other days than
    /// the current or previous UTC day are ignored (the counters cover today).
    /// </summary>
    Task AddUsageAsync(UsageBatch batch);

    /// <summary>Today's (UTC) tokens and cost, total and per model, and the cost alerts raised today.</summary>
    [ReadOnly]
    Task<CostCounters> GetCostCountersAsync();

    /// <summary>Sets the daily cost-alert threshold; null uses the configured default (PulsePoint:Billing:DefaultDailyThresholdUsd).</summary>
    /// <exception cref="TenantNotFoundException">The tenant does not exist.</exception>
    Task SetDailyCostThresholdAsync(decimal? dailyCostThresholdUsd);

    /// <summary>Sets the hard daily budget (opt-in); null removes it.</summary>
    /// <exception cref="TenantNotFoundException">The tenant does not exist.</exception>
    Task SetDailyBudgetAsync(decimal? dailyBudgetUsd);

    /// <summary>
    /// Before an AI call: holds <paramref name="estimatedCostUsd"/> of today's budget if it fits, else
    /// denies. Settle with <see cref="CommitBudgetAsync"/> or <see cref="ReleaseBudgetAsync"/>; an
    /// unsettled reservation stops holding budget after PulsePoint:Billing:ReservationTimeout.
    /// Without a budget every reservation is granted.
    /// </summary>
    Task<BudgetReservation> ReserveBudgetAsync(decimal estimatedCostUsd);

    /// <summary>After the AI call: records its actual cost against today's budget and ends the reservation.</summary>
    Task<BudgetSettlement> CommitBudgetAsync(Guid reservationId, decimal actualCostUsd);

    /// <summary>The AI call did not happen: frees the reservation's hold.</summary>
    Task<BudgetSettlement> ReleaseBudgetAsync(Guid reservationId);

    /// <summary>Today's budget, spend, holds and what remains.</summary>
    [ReadOnly]
    Task<BudgetStatus> GetBudgetAsync();

    /// <summary>Tokens and cost per UTC day and model from PostgreSQL, for <paramref name="from"/> to <paramref name="to"/> inclusive (at most 366 days).</summary>
    [ReadOnly]
    Task<UsageReport> GetUsageReportAsync(DateOnly from, DateOnly to);
}
