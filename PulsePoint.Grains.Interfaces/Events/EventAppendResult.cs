namespace PulsePoint.Events;

/// <summary>The result for one event of a batch append.</summary>
/// <param name="EventId">The event's id.</param>
/// <param name="Outcome">Stored, already stored, or rejected.</param>
/// <param name="Field">For a rejected event, the invalid field (C# property name).</param>
/// <param name="Error">For a rejected event, what is wrong with it.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.EventAppendResult")]
public sealed record EventAppendResult(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] EventAppendOutcome Outcome,
    [property: Id(2)] string? Field = null,
    [property: Id(3)] string? Error = null)
{
    /// <summary>True when the event is durably in PostgreSQL (stored now or before).</summary>
    public bool IsStored => Outcome is EventAppendOutcome.Stored or EventAppendOutcome.AlreadyStored;
}
