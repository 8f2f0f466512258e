namespace PulsePoint.Events;

/// <summary>
/// PostgreSQL did not commit the batch holding the event within the configured time (down, unreachable,
/// or too slow). The append is not acknowledged; it may or may not have been stored, so retry it: appends
/// are idempotent by event id.
/// </summary>
[GenerateSerializer, Alias("PulsePoint.EventSinkUnavailableException")]
public sealed class EventSinkUnavailableException : Exception
{
    /// <summary>Creates the exception with a message that names the cause.</summary>
    public EventSinkUnavailableException(string message) : base(message)
    {
    }
}
