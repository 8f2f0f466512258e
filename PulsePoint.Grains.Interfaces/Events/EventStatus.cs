namespace PulsePoint.Events;

/// <summary>The outcome of the operation an event describes.</summary>
[GenerateSerializer, Alias("PulsePoint.EventStatus")]
public enum EventStatus
{
    /// <summary><c>success</c>.</summary>
    Success = 1,

    /// <summary><c>failure</c>.</summary>
    Failure = 2,

    /// <summary><c>partial</c>.</summary>
    Partial = 3,
}
