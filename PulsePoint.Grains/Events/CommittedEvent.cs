namespace PulsePoint.Events;

/// <summary>An event as committed to the outbox: its shard position and when it was ingested.</summary>
public sealed record CommittedEvent(StructuredEvent Event, long Position, DateTimeOffset IngestedAt);
