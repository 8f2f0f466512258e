namespace PulsePoint.Billing;

/// <summary>
/// The hard-budget arithmetic over a <see cref="BudgetState"/>. Today's spend is the larger of the
/// actual cost committed through reservations and the cost recorded from AI events: the same calls
/// usually reach the grain both ways, so adding the two would count each call twice, and the larger
/// undercounts neither a backend that reserves without tracking events nor one that tracks without
/// reserving. Open holds count on top of that.
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

    public static decimal HeldUsd(BudgetState state) => state.Held.Values.Sum(h => h.AmountUsd);

    /// <summary>Budget left: budget − max(committed, recorded) − held (may be negative after an overrun).</summary>
    public static decimal Remaining(decimal budgetUsd, BudgetState state, decimal recordedUsd) =>
        budgetUsd - Math.Max(state.CommittedUsd, recordedUsd) - HeldUsd(state);
}
