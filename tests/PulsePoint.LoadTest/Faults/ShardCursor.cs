namespace PulsePoint.LoadTest.Faults;

/// <summary>One shard's last committed outbox position and a destination's delivered-up-to cursor.</summary>
public sealed record ShardCursor(int Shard, long Head, long Cursor)
{
    public long Lag => Head - Math.Max(Cursor, 0);
}
