namespace PulsePoint.Billing;

/// <summary>What a commit or release of a budget reservation did.</summary>
[GenerateSerializer, Alias("PulsePoint.BudgetSettlement")]
public enum BudgetSettlement
{
    /// <summary>The reservation was held; its actual cost now counts as spent today.</summary>
    Committed = 1,

    /// <summary>The reservation was held and is now released; nothing was spent.</summary>
    Released = 2,

    /// <summary>The reservation was already committed or released; nothing changed (settling is idempotent).</summary>
    AlreadySettled = 3,

    /// <summary>
    /// The reservation had expired (or is unknown to this grain); a commit still counts its actual cost,
    /// because the money was spent; a release changes nothing.
    /// </summary>
    NotHeld = 4,
}
