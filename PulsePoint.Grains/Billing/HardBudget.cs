namespace PulsePoint.Billing;

/// <summary>
/// The hard-budget arithmetic over a <see cref="BudgetState"/>. All of today's recorded AI spend counts,
/// and each call counts once: an AI event that names no reservation counts its recorded cost; a
/// reservation counts the larger of its own amount (the actual cost once committed, the estimate while
/// held) and the recorded cost of the events that named it. So a backend that reserves and tracks the
/// same call is not charged twice, one that tracks without reserving is not charged less, and one that
/// commits without tracking still has its commits counted.
/// </summary>
public static class HardBudget
{
    /// <summary>Moves <paramref name="state"/> to <paramref name="today"/> and drops expired holds and old settlements; true when anything changed.</summary>
    public static bool Roll(BudgetState state, DateOnly today, DateTimeOffset now, TimeSpan reservationTimeout)
    {
        var changed = false;
        if (state.Day != today)
        {
            state.Day = today;
            state.CommittedUsd = 0m;
            state.Committed.Clear();
            state.FoldedUsd = 0m;
            changed = true;
        }

        foreach (var id in state.Held.Where(h => h.Value.ExpiresAt <= now).Select(h => h.Key).ToArray())
        {
            state.Held.Remove(id);
            changed = true;
        }

        // A settlement is remembered for twice the reservation lifetime: long enough for a client's retry.
        foreach (var id in state.Settled.Where(s => now - s.Value > reservationTimeout * 2).Select(s => s.Key).ToArray())
        {
            state.Settled.Remove(id);
            changed = true;
        }

        return changed;
    }

    /// <summary>A copy of <paramref name="state"/> moved to <paramref name="today"/>, for reads that must not change the persisted ledger.</summary>
    public static BudgetState Rolled(BudgetState state, DateOnly today, DateTimeOffset now, TimeSpan reservationTimeout)
    {
        var copy = new BudgetState
        {
            Day = state.Day,
            CommittedUsd = state.CommittedUsd,
            Held = new(state.Held),
            Settled = new(state.Settled),
            Committed = new(state.Committed),
            Spend = new(state.Spend),
            Excess = new(state.Excess),
            FoldedUsd = state.FoldedUsd,
        };
        Roll(copy, today, now, reservationTimeout);
        return copy;
    }

    /// <summary>
    /// Forgets committed reservations whose settlement is no longer remembered (<see cref="Roll"/> drops it after twice the
    /// reservation timeout), keeping what each counted beyond its events' recorded cost in <see cref="BudgetState.FoldedUsd"/>:
    /// <see cref="Count"/> then gives the same figure (the events' recorded cost still counts as spend that named the
    /// reservation), and the state stays as small as the recent reservations. True when anything changed.
    /// </summary>
    /// <param name="state">The rolled budget ledger of today.</param>
    /// <param name="reservedUsd">Today's recorded cost per reservation its events named.</param>
    public static bool Fold(BudgetState state, IReadOnlyDictionary<Guid, decimal> reservedUsd)
    {
        var changed = false;
        foreach (var (id, committed) in state.Committed.Where(c => !state.Settled.ContainsKey(c.Key)).ToArray())
        {
            state.FoldedUsd += Math.Max(0m, committed - reservedUsd.GetValueOrDefault(id));
            state.Committed.Remove(id);
            changed = true;
        }

        return changed;
    }

    public static decimal HeldUsd(BudgetState state) => state.Held.Values.Sum(h => h.AmountUsd);

    /// <summary>
    /// Today's spend as the budget counts it.
    /// </summary>
    /// <param name="state">The rolled budget ledger of today.</param>
    /// <param name="recordedUsd">The cost of all of today's AI events.</param>
    /// <param name="reservedUsd">The part of <paramref name="recordedUsd"/> per reservation its events named.</param>
    public static BudgetSpend Count(BudgetState state, decimal recordedUsd, IReadOnlyDictionary<Guid, decimal> reservedUsd)
    {
        var unreserved = recordedUsd - reservedUsd.Values.Sum();
        var reservations = 0m;
        foreach (var id in state.Committed.Keys.Union(state.Held.Keys).Union(reservedUsd.Keys))
        {
            var own = state.Committed.TryGetValue(id, out var committed) ? committed
                : state.Held.TryGetValue(id, out var hold) ? hold.AmountUsd
                : 0m;
            reservations += Math.Max(own, reservedUsd.GetValueOrDefault(id));
        }

        return new BudgetSpend(unreserved, reservations + state.FoldedUsd);
    }
}
