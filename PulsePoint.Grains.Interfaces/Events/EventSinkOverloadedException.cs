namespace PulsePoint.Events;

/// <summary>
/// The event sink shard's buffer is full (PostgreSQL is slower than the arrival rate, or down): the append
/// was refused at once and nothing of it was stored. Back off and retry; appends are idempotent by event id.
/// </summary>
[GenerateSerializer, Alias("PulsePoint.EventSinkOverloadedException")]
public sealed class EventSinkOverloadedException : Exception
{
    /// <summary>Creates the exception with a message that says which limit was hit.</summary>
    public EventSinkOverloadedException(string message) : base(message)
    {
    }
}
