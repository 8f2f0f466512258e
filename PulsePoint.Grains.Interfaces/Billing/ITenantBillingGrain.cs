using Orleans.Concurrency;
using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>
/// One tenant's money (key: the tenant id): today's cost counters, the cost-alert threshold and the
/// alerts it raises, the opt-in hard budget and the spend limits (budgets and rate limits per tenant, user, API key
/// and feature). Counters are rebuilt from the billing ledger on
/// activation and fed by the event sink after each commit. Calls are decided one at a time, so
/// concurrent reservations cannot overspend. A backend service reads its counters and budget and reserves
/// within the budget here; the threshold and the budget are set by the operator, through the silo.
/// </summary>
[Alias("PulsePoint.ITenantBillingGrain")]
public interface ITenantBillingGrain : ITenantKeyedGrain
{
    /// <summary>Today's (UTC) tokens and cost, total and per model, and the cost alerts raised today.</summary>
    [ReadOnly, Alias("GetCostCounters")]
    Task<CostCounters> GetCostCountersAsync();

    /// <summary>
    /// Before an AI call: holds <paramref name="estimatedCostUsd"/> of today's budget if it fits, else
    /// denies. Settle with <see cref="CommitBudgetAsync"/> or <see cref="ReleaseBudgetAsync"/>, and name the
    /// reservation on the call's AI event (<c>StructuredEvent.BudgetReservationId</c>) so the call counts once;
    /// an unsettled reservation stops holding budget after PulsePoint:Billing:ReservationTimeout. Without a
    /// budget every reservation is granted.
    /// </summary>
    [Alias("ReserveBudget")]
    Task<BudgetReservation> ReserveBudgetAsync(decimal estimatedCostUsd);

    /// <summary>
    /// Before an AI call: like <see cref="ReserveBudgetAsync"/>, and also within every spend limit (<see cref="SpendLimit"/>)
    /// of the tenant and of the request's user, API key and feature: granted only when it fits in all of them, denied
    /// naming the first it does not fit in (with, for a rate limit, when enough of the minute will have slid by).
    /// Commit with <see cref="CommitSpendAsync"/> (or <see cref="CommitBudgetAsync"/>) or release it, and name it on the
    /// call's AI event, whose user_id and feature/api_key_id attributes should be the request's.
    /// </summary>
    /// <exception cref="ArgumentException">A negative or too precise estimate, negative tokens, or an id longer than 128 characters.</exception>
    [Alias("Reserve")]
    Task<BudgetReservation> ReserveAsync(SpendRequest request);

    /// <summary>After the AI call: records its actual cost and tokens against the budgets and rate limits and ends the reservation.</summary>
    [Alias("CommitSpend")]
    Task<BudgetSettlement> CommitSpendAsync(Guid reservationId, decimal actualCostUsd, long actualTokens);

    /// <summary>After the AI call: records its actual cost against today's budget and ends the reservation.</summary>
    [Alias("CommitBudget")]
    Task<BudgetSettlement> CommitBudgetAsync(Guid reservationId, decimal actualCostUsd);

    /// <summary>The AI call did not happen: frees the reservation's hold.</summary>
    [Alias("ReleaseBudget")]
    Task<BudgetSettlement> ReleaseBudgetAsync(Guid reservationId);

    /// <summary>Today's budget, what it counts as spent (and how), holds and what remains.</summary>
    [ReadOnly, Alias("GetBudget")]
    Task<BudgetStatus> GetBudgetAsync();

    /// <summary>The spend limits a reservation for these subjects must fit in, each as it stands now.</summary>
    [Alias("GetSpendLimits")]
    Task<IReadOnlyList<SpendLimitStatus>> GetSpendLimitsAsync(string? userId = null, string? apiKeyId = null, string? feature = null);
}
