using System.Collections.Concurrent;
using PulsePoint.Destinations;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.Events;

/// <summary>
/// A destination with a <see cref="IEventDestination.BatchDelay"/>, like the warehouses: records, per
/// tenant, when each delivery holding that tenant's events arrived and how many of them it held.
/// </summary>
public sealed class GatheringDestination : IEventDestination
{
    public const string DestinationName = "test-gathering";

    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(1500);

    public static readonly GatheringDestination Instance = new();

    private readonly ConcurrentDictionary<TenantId, ConcurrentQueue<(DateTimeOffset At, int Events)>> _deliveries = new();

    public string Name => DestinationName;

    public TimeSpan BatchDelay => Delay;

    public IReadOnlyList<(DateTimeOffset At, int Events)> Deliveries(TenantId tenant) =>
        _deliveries.TryGetValue(tenant, out var deliveries) ? deliveries.ToArray() : [];

    public Task DeliverAsync(IReadOnlyList<StructuredEvent> batch, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var tenant in batch.GroupBy(e => e.TenantId))
        {
            _deliveries.GetOrAdd(tenant.Key, _ => new()).Enqueue((now, tenant.Count()));
        }

        return Task.CompletedTask;
    }
}
