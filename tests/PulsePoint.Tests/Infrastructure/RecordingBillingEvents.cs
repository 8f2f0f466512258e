using System.Collections.Concurrent;
using PulsePoint.Billing;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.Infrastructure;

/// <summary>
/// The billing-event publisher of <see cref="BillingClusterFixture"/>: records what the tenant grains
/// publish, and can be made to fail, so tests can count alerts per tenant and see retries.
/// </summary>
public sealed class RecordingBillingEvents : IBillingEventPublisher
{
    private readonly ConcurrentQueue<StructuredEvent> _published = new();

    public static RecordingBillingEvents Instance { get; } = new();

    /// <summary>When set, publishing throws (the sink is "down").</summary>
    public volatile bool Failing;

    public IReadOnlyList<StructuredEvent> Of(TenantId tenant) => _published.Where(e => e.TenantId == tenant).ToArray();

    public Task PublishAsync(IReadOnlyList<StructuredEvent> events, CancellationToken cancellationToken)
    {
        if (Failing)
        {
            throw new InvalidOperationException("event sink unavailable (test)");
        }

        foreach (var e in events)
        {
            _published.Enqueue(e);
        }

        return Task.CompletedTask;
    }
}
