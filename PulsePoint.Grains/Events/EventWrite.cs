using PulsePoint.Billing;

namespace PulsePoint.Events;

/// <summary>What one committed event batch wrote.</summary>
/// <param name="Stored">The events new to the store, in position order (billing warnings included).</param>
/// <param name="Usage">The usage rows inserted with them and the transaction that committed them.</param>
public sealed record EventWrite(IReadOnlyList<StructuredEvent> Stored, UsageInsert Usage);
