namespace PulsePoint.Billing;

/// <summary>The answer to a budget reservation.</summary>
/// <param name="Granted">True when the estimated cost fits in what is left of today's budget (always true without a budget).</param>
/// <param name="ReservationId">The id to commit or release; null when denied.</param>
/// <param name="RemainingUsd">Budget left today after this answer; null when the tenant has no budget.</param>
/// <param name="DailyBudgetUsd">The tenant's daily budget; null when it has none.</param>
/// <param name="ExpiresAt">When an unsettled reservation stops holding budget; null when denied.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.BudgetReservation")]
public sealed record BudgetReservation(
    bool Granted,
    Guid? ReservationId,
    decimal? RemainingUsd,
    decimal? DailyBudgetUsd,
    DateTimeOffset? ExpiresAt);
