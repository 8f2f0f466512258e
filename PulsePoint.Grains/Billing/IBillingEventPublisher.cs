using PulsePoint.Events;

namespace PulsePoint.Billing;

/// <summary>
/// Where billing's own events (<c>cost.alert</c>, <c>cost.unpriced</c>) go: the event sink, which stores
/// them and relays them to the real-time bus. Publishing must be idempotent by event id.
/// </summary>
public interface IBillingEventPublisher
{
    /// <summary>Publishes <paramref name="events"/>, completing when they are durably accepted; throws otherwise.</summary>
    Task PublishAsync(IReadOnlyList<StructuredEvent> events, CancellationToken cancellationToken);
}
