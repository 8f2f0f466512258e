namespace PulsePoint.Events;

/// <summary>What became of one appended event.</summary>
[GenerateSerializer, Alias("PulsePoint.EventAppendOutcome")]
public enum EventAppendOutcome
{
    /// <summary>Committed to PostgreSQL by this append.</summary>
    Stored = 1,

    /// <summary>An event with this id was stored before (a retry); nothing new was written.</summary>
    AlreadyStored = 2,

    /// <summary>Invalid; not stored. <see cref="EventAppendResult.Field"/> names the field.</summary>
    Rejected = 3,
}
