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
/// <example>
/// <code>
/// var handle = await client.SubscribeToAlertsAsync(tenant, alert =>
/// {
///     Console.WriteLine($"{alert.EventType} {alert.Severity}: {alert.ErrorMessage ?? alert.CostUsd?.ToString()}");
///     return Task.CompletedTask;
/// });
/// // ...
/// await handle.UnsubscribeAsync();
/// </code>
/// </example>
public static class EventSubscriptions
{
    /// <summary>
    /// Calls <paramref name="onEvent"/> for every event of <paramref name="tenant"/> that passes
    /// <paramref name="filter"/> (categories, minimum severity), from now on. Dispose the handle
    /// (<c>UnsubscribeAsync</c>) to stop. The client needs the event stream provider
    /// (<see cref="PulsePointClientExtensions.AddPulsePointEventStreams"/>).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="filter"/> or <paramref name="onEvent"/> is null.</exception>
    public static Task<StreamSubscriptionHandle<StructuredEvent>> SubscribeToEventsAsync(
        this IClusterClient client, TenantId tenant, EventFilter filter, Func<StructuredEvent, Task> onEvent)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return client.SubscribeToEventsAsync(tenant, filter.Matches, onEvent);
    }

    /// <summary>
    /// Calls <paramref name="onEvent"/> for every event of <paramref name="tenant"/> for which
    /// <paramref name="predicate"/> is true, from now on (for filters an <see cref="EventFilter"/> cannot say,
    /// e.g. "cost alerts of any severity, and critical events of any category").
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> or <paramref name="onEvent"/> is null.</exception>
    public static Task<StreamSubscriptionHandle<StructuredEvent>> SubscribeToEventsAsync(
        this IClusterClient client, TenantId tenant, Func<StructuredEvent, bool> predicate, Func<StructuredEvent, Task> onEvent)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentNullException.ThrowIfNull(onEvent);
        var stream = client.GetStreamProvider(EventStreams.ProviderName)
            .GetStream<StructuredEvent>(StreamId.Create(EventStreams.Namespace, tenant.Value));
        return stream.SubscribeAsync((e, _) =>
            // The tenant check is a second layer: the stream key already is the tenant.
            e.TenantId == tenant && predicate(e) ? onEvent(e) : Task.CompletedTask);
    }

    /// <summary>
    /// Calls <paramref name="onAlert"/> for <paramref name="tenant"/>'s alerts (see <see cref="IsAlert"/>):
    /// cost alerts (<c>cost.alert</c>, billing, WARNING or ERROR) and every event at or above
    /// <paramref name="minimumSeverity"/> (default CRITICAL, e.g. a critical <c>system.error</c>). Critical
    /// events are flushed by the event sink at once, so they arrive without waiting for a batch.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="onAlert"/> is null.</exception>
    public static Task<StreamSubscriptionHandle<StructuredEvent>> SubscribeToAlertsAsync(
        this IClusterClient client, TenantId tenant, Func<StructuredEvent, Task> onAlert, EventSeverity minimumSeverity = EventSeverity.Critical) =>
        client.SubscribeToEventsAsync(tenant, e => IsAlert(e, minimumSeverity), onAlert);

    /// <summary>True for a cost alert, or for any event at or above <paramref name="minimumSeverity"/>.</summary>
    public static bool IsAlert(StructuredEvent structuredEvent, EventSeverity minimumSeverity = EventSeverity.Critical)
    {
        ArgumentNullException.ThrowIfNull(structuredEvent);
        return structuredEvent is { Category: EventCategory.Billing, EventType: EventTypes.CostAlert }
            || structuredEvent.Severity >= minimumSeverity;
    }
}
