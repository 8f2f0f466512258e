namespace PulsePoint.Billing;

/// <summary>A tenant's hard budget for the current UTC day.</summary>
/// <param name="Day">The current UTC day.</param>
/// <param name="DailyBudgetUsd">The daily budget; null when the tenant has none.</param>
/// <param name="CommittedUsd">Actual cost committed today through reservations.</param>
/// <param name="RecordedUsd">Cost recorded today from AI events (the cost counters).</param>
/// <param name="HeldUsd">Estimated cost held by open, unexpired reservations.</param>
/// <param name="RemainingUsd">Budget left: budget − max(committed, recorded) − held; null without a budget.</param>
/// <param name="OpenReservations">How many reservations are held.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.BudgetStatus")]
public sealed record BudgetStatus(
    DateOnly Day,
    decimal? DailyBudgetUsd,
    decimal CommittedUsd,
    decimal RecordedUsd,
    decimal HeldUsd,
    decimal? RemainingUsd,
    int OpenReservations);
