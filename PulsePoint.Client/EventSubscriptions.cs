using Orleans.Runtime;
using Orleans.Streams;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Client;

/// <summary>
/// Real-time subscriptions to committed events on the in-cluster bus (destination <c>OrleansStream</c>).
/// Each tenant has its own stream, so a subscription can only receive that tenant's events; category and
/// severity are filtered on arrival. Delivery is at least once: deduplicate by event id.
/// </summary>
public static class EventSubscriptions
{
    /// <summary>
    /// Calls <paramref name="onEvent"/> for every event of <paramref name="tenant"/> that passes
    /// <paramref name="filter"/>, from now on. Dispose the handle (<c>UnsubscribeAsync</c>) to stop.
    /// The client needs the event stream provider (<see cref="PulsePointClientExtensions.AddPulsePointEventStreams"/>).
    /// </summary>
    public static Task<StreamSubscriptionHandle<StructuredEvent>> SubscribeToEventsAsync(
        this IClusterClient client, TenantId tenant, EventFilter filter, Func<StructuredEvent, Task> onEvent)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(onEvent);
        var stream = client.GetStreamProvider(EventStreams.ProviderName)
            .GetStream<StructuredEvent>(StreamId.Create(EventStreams.Namespace, tenant.Value));
        return stream.SubscribeAsync((e, _) =>
            // The tenant check is a second layer: the stream key already is the tenant.
            e.TenantId == tenant && filter.Matches(e) ? onEvent(e) : Task.CompletedTask);
    }
}
