using Microsoft.Extensions.Options;
using PulsePoint.Billing;

namespace PulsePoint.Events;

/// <summary>
/// Billing's events (<c>cost.alert</c>) go through the event sink like any other: stored in PostgreSQL,
/// then relayed to the real-time bus and the warehouse. Alerts carry derived ids, so a re-send after a
/// failure is stored once.
/// </summary>
internal sealed class SinkBillingEventPublisher(IGrainFactory grains, IOptions<EventOptions> options) : IBillingEventPublisher
{
    public async Task PublishAsync(IReadOnlyList<StructuredEvent> events, CancellationToken cancellationToken)
    {
        foreach (var tenantEvents in events.GroupBy(e => e.TenantId))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var results = await grains.AppendAsTenantAsync(options.Value.Shards, tenantEvents.Key, tenantEvents.ToArray())
                .WaitAsync(cancellationToken);
            if (results.FirstOrDefault(r => r.Outcome == EventAppendOutcome.Rejected) is { } rejected)
            {
                throw new InvalidEventException(rejected.Field!, $"billing event {rejected.EventId} was rejected: {rejected.Error}");
            }
        }
    }
}
