namespace PulsePoint.Destinations;

/// <summary>How far one destination is behind on one shard.</summary>
/// <param name="Events">Committed events not yet delivered.</param>
/// <param name="OldestUndeliveredAt">When the oldest undelivered event was committed; null when caught up.</param>
/// <param name="LastError">The last delivery error while behind, if any.</param>
public sealed record RelayLag(long Events, DateTimeOffset? OldestUndeliveredAt, string? LastError);
