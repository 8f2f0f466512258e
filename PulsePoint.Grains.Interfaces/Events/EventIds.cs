namespace PulsePoint.Events;

/// <summary>How PulsePoint mints event ids; callers may send any non-empty UUID, these are the better choice.</summary>
public static class EventIds
{
    /// <summary>
    /// A new event id: a UUID version 7 (RFC 9562), whose leading 48 bits are the Unix time in milliseconds.
    /// Ids minted one after another sort one after another, so every key that holds them
    /// (<c>observability_event_ids</c> and <c>ai_token_usage</c> on <c>(tenant_id, event_id)</c>, the
    /// warehouse's primary key) grows at its right edge instead of dirtying a random index page per event.
    /// </summary>
    public static Guid New() => Guid.CreateVersion7();
}
