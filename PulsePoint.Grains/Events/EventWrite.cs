using PulsePoint.Billing;

namespace PulsePoint.Events;

/// <summary>What one committed event batch wrote.</summary>
/// <param name="Stored">The events new to the store, in position order (billing warnings included).</param>
/// <param name="LastPosition">The shard's last committed position after this write: <paramref name="Stored"/> has the positions up to it, one each.</param>
/// <param name="Usage">The usage rows inserted with them and the transaction that committed them.</param>
public sealed record EventWrite(IReadOnlyList<StructuredEvent> Stored, long LastPosition, UsageInsert Usage)
{
    /// <summary>Events of the write refused before any SQL (e.g. a priced cost above the limit); none of their rows exist.</summary>
    public IReadOnlyList<EventRejection> Rejected { get; init; } = [];

    /// <summary>The position of <see cref="Stored"/>'s first event.</summary>
    public long FirstPosition => LastPosition - Stored.Count + 1;
}
