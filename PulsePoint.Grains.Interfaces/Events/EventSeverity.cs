namespace PulsePoint.Events;

/// <summary>How urgent an event is. <see cref="Critical"/> events are flushed and published at once.</summary>
[GenerateSerializer, Alias("PulsePoint.EventSeverity")]
public enum EventSeverity
{
    /// <summary><c>debug</c>: development only.</summary>
    Debug = 1,

    /// <summary><c>info</c>: normal operations.</summary>
    Info = 2,

    /// <summary><c>warning</c>: unexpected but handled.</summary>
    Warning = 3,

    /// <summary><c>error</c>: a failed operation.</summary>
    Error = 4,

    /// <summary><c>critical</c>: a system failure.</summary>
    Critical = 5,
}
