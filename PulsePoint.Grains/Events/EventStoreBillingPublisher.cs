using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PulsePoint.Billing;

namespace PulsePoint.Events;

/// <summary>
/// Billing's events (<c>cost.alert</c>) are written straight into the event store, as a second writer of the
/// tenant's shard (PostgreSQL checks the shard's positions, so it cannot collide with the sink), then the
/// shard's sink is told to deliver them from PostgreSQL. A billing grain thus never waits on a sink, whose
/// flushes hand usage to billing grains: no call cycle. Alerts carry derived ids, so a re-send is stored once.
/// </summary>
internal sealed partial class EventStoreBillingPublisher(
    EventStore store,
    IGrainFactory grains,
    IOptions<EventOptions> options,
    TimeProvider time,
    ILogger<EventStoreBillingPublisher> logger) : IBillingEventPublisher
{
    public async Task PublishAsync(IReadOnlyList<StructuredEvent> events, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var e in events)
        {
            StructuredEventValidator.Validate(e, now);
        }

        foreach (var shardEvents in events.GroupBy(e => EventShards.Of(e.TenantId, options.Value.Shards)))
        {
            var shard = shardEvents.Key;
            var last = await store.LastPositionAsync(shard, cancellationToken);
            await store.WriteAsync(shard, shardEvents.ToArray(), last, cancellationToken);
            // Not awaited: the events are durable; the sink delivers them now, or at its next activation or flush.
            _ = ResumeDeliveryAsync(shard);
        }
    }

    private async Task ResumeDeliveryAsync(int shard)
    {
        try
        {
            await grains.GetGrain<IEventSinkDelivery>(shard).ResumeDeliveryAsync();
        }
        catch (Exception e)
        {
            LogResumeFailed(logger, e, shard);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event sink shard {Shard} was not told about billing events stored for it; it delivers them at its next flush or activation")]
    private static partial void LogResumeFailed(ILogger logger, Exception exception, int shard);
}
