namespace PulsePoint.Billing;

/// <summary>The answer to a budget reservation.</summary>
/// <param name="Granted">True when the estimated cost fits in what is left of today's budget (always true without a budget).</param>
/// <param name="ReservationId">The id to commit or release; null when denied.</param>
/// <param name="RemainingUsd">
/// The least USD left after this answer in the daily budget and the USD limits that applied; null when none applied.
/// </param>
/// <param name="DailyBudgetUsd">The tenant's daily budget; null when it has none.</param>
/// <param name="ExpiresAt">When an unsettled reservation stops holding budget; null when denied.</param>
/// <param name="DeniedBy">The spend limit (with the subject it was checked for) the reservation did not fit in; null when granted or denied by the daily budget.</param>
/// <param name="RetryAfter">For a rate limit's denial: when enough of the minute will have slid by for the same request; null otherwise or when it never fits.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.BudgetReservation")]
public sealed record BudgetReservation(
    bool Granted,
    Guid? ReservationId,
    decimal? RemainingUsd,
    decimal? DailyBudgetUsd,
    DateTimeOffset? ExpiresAt,
    SpendLimit? DeniedBy = null,
    TimeSpan? RetryAfter = null);
