namespace PulsePoint.Events;

/// <summary>
/// Tells clients how many event sink shards the cluster runs (<c>PulsePoint:Events:Shards</c>), so a client
/// needs no shard setting of its own. Stateless; use key 0. <c>EventTracker</c> asks it once and again
/// whenever a sink answers <see cref="WrongEventShardException"/>.
/// </summary>
[Alias("PulsePoint.IEventShardsGrain")]
public interface IEventShardsGrain : IGrainWithIntegerKey
{
    /// <summary>The number of event sink shards; a tenant's events go to shard <see cref="EventShards.Of"/>(tenant, this count).</summary>
    [Alias("GetShardCount")]
    Task<int> GetShardCountAsync();
}
