namespace PulsePoint.Billing;

/// <summary>Today's spend as the hard budget counts it (see <see cref="HardBudget.Count"/>).</summary>
/// <param name="UnreservedUsd">The recorded cost of AI events that named no reservation.</param>
/// <param name="ReservationsUsd">Each reservation once: the larger of its committed (or held) amount and its events' recorded cost.</param>
public sealed record BudgetSpend(decimal UnreservedUsd, decimal ReservationsUsd)
{
    /// <summary>What the budget counts as spent or held.</summary>
    public decimal CountedUsd => UnreservedUsd + ReservationsUsd;
}
