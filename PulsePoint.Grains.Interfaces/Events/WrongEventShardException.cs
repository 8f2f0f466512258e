namespace PulsePoint.Events;

/// <summary>
/// An append reached a sink shard that does not own the caller's tenant: the caller computed the shard
/// with another shard count than the cluster's (the silos' <c>PulsePoint:Events:Shards</c> changed).
/// Nothing was accepted; ask <see cref="IEventShardsGrain"/> again and retry.
/// </summary>
[GenerateSerializer, Alias("PulsePoint.WrongEventShardException")]
public sealed class WrongEventShardException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public WrongEventShardException(string message, int shardCount) : base(message)
    {
        ShardCount = shardCount;
    }

    /// <summary>The cluster's shard count.</summary>
    [Id(0)]
    public int ShardCount { get; }
}
