using System.Collections.Concurrent;
using PulsePoint.Destinations;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.Events;

/// <summary>
/// A destination with a <see cref="IEventDestination.BatchDelay"/>, like the warehouses: records, per
/// tenant, how many of that tenant's events each delivery held.
/// </summary>
public sealed class GatheringDestination : IEventDestination
{
    public const string DestinationName = "test-gathering";

    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(1500);

    public static readonly GatheringDestination Instance = new();

    private readonly ConcurrentDictionary<TenantId, ConcurrentQueue<int>> _deliveries = new();

    public string Name => DestinationName;

    public TimeSpan BatchDelay => Delay;

    /// <summary>The tenant's event count in each delivery that held any, in delivery order.</summary>
    public IReadOnlyList<int> Deliveries(TenantId tenant) =>
        _deliveries.TryGetValue(tenant, out var deliveries) ? deliveries.ToArray() : [];

    public Task DeliverAsync(IReadOnlyList<StructuredEvent> batch, CancellationToken cancellationToken)
    {
        foreach (var tenant in batch.GroupBy(e => e.TenantId))
        {
            _deliveries.GetOrAdd(tenant.Key, _ => new()).Enqueue(tenant.Count());
        }

        return Task.CompletedTask;
    }
}
