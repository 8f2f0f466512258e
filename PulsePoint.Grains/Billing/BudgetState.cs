namespace PulsePoint.Billing;

/// <summary>
/// A tenant's reservations: the hard daily budget's ledger for <see cref="Day"/> and the spend limits' holds, kept in
/// Orleans grain storage so that holds and committed spend survive a restart or a move of the grain (written only for
/// tenants with a budget or spend limits).
/// </summary>
[GenerateSerializer, Alias("PulsePoint.BudgetState")]
public sealed class BudgetState
{
    [Id(0)] public DateOnly Day { get; set; }

    /// <summary>Actual cost committed on <see cref="Day"/>, all reservations (the sum of <see cref="Committed"/>).</summary>
    [Id(1)] public decimal CommittedUsd { get; set; }

    /// <summary>Open reservations: id → held amount and expiry.</summary>
    [Id(2)] public Dictionary<Guid, BudgetHold> Held { get; set; } = [];

    /// <summary>Recently settled reservation ids → when, so a repeated commit is not counted twice.</summary>
    [Id(3)] public Dictionary<Guid, DateTimeOffset> Settled { get; set; } = [];

    /// <summary>Reservations committed on <see cref="Day"/> → their actual cost.</summary>
    [Id(4)] public Dictionary<Guid, decimal> Committed { get; set; } = [];

    /// <summary>Reservations the spend limits count: id → for whom, when and how much (see <see cref="SpendBook"/>).</summary>
    [Id(5)] public Dictionary<Guid, SpendHold> Spend { get; set; } = [];

    /// <summary>
    /// What settled reservations committed beyond their events' recorded cost, per day or month and subject
    /// (<see cref="SpendBook.ExcessKey"/>): kept after the reservation itself is forgotten.
    /// </summary>
    [Id(6)] public Dictionary<string, decimal> Excess { get; set; } = [];

    /// <summary>
    /// What reservations committed on <see cref="Day"/> and since forgotten (<see cref="HardBudget.Fold"/>) counted beyond
    /// their events' recorded cost: so <see cref="Committed"/> holds only recent reservations, not a whole day's.
    /// </summary>
    [Id(7)] public decimal FoldedUsd { get; set; }
}
