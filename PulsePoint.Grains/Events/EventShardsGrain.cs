using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace PulsePoint.Events;

/// <summary>Answers the silo's configured shard count; every silo of a cluster runs the same one.</summary>
[StatelessWorker]
internal sealed class EventShardsGrain(IOptions<EventOptions> options) : Grain, IEventShardsGrain
{
    Task<int> IEventShardsGrain.GetShardCountAsync() => Task.FromResult(options.Value.Shards);
}
