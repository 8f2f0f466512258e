namespace PulsePoint.Billing;

/// <summary>
/// A tenant's hard budget for the current UTC day, and how its spend was counted: each AI event that named
/// no reservation by its recorded cost, each reservation once by the larger of its own amount (committed
/// cost, or the estimate while held) and the recorded cost of the events that named it.
/// </summary>
/// <param name="Day">The current UTC day.</param>
/// <param name="DailyBudgetUsd">The daily budget; null when the tenant has none.</param>
/// <param name="CommittedUsd">Actual cost committed today through reservations.</param>
/// <param name="RecordedUsd">Cost recorded today from all AI events (the cost counters).</param>
/// <param name="HeldUsd">Estimated cost held by open, unexpired reservations.</param>
/// <param name="RemainingUsd">Budget left: budget − <paramref name="CountedUsd"/>; null without a budget.</param>
/// <param name="OpenReservations">How many reservations are held.</param>
/// <param name="UnreservedUsd">The recorded cost of AI events that named no reservation.</param>
/// <param name="ReservationsUsd">The reservations' share: per reservation, max(committed or held amount, its events' recorded cost).</param>
/// <param name="CountedUsd">What the budget counts as spent or held today: <paramref name="UnreservedUsd"/> + <paramref name="ReservationsUsd"/>.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.BudgetStatus")]
public sealed record BudgetStatus(
    DateOnly Day,
    decimal? DailyBudgetUsd,
    decimal CommittedUsd,
    decimal RecordedUsd,
    decimal HeldUsd,
    decimal? RemainingUsd,
    int OpenReservations,
    decimal UnreservedUsd,
    decimal ReservationsUsd,
    decimal CountedUsd);
