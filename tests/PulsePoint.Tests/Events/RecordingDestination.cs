using System.Collections.Concurrent;
using PulsePoint.Destinations;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.Events;

/// <summary>
/// A destination under the tests' control (our own interface, not PostgreSQL or Orleans): records what it
/// receives, and can be told to fail a number of times for batches holding a given tenant's events.
/// Shared by the in-process silos, so a test sees every delivery.
/// </summary>
public sealed class RecordingDestination : IEventDestination
{
    public const string DestinationName = "test-recorder";

    public static readonly RecordingDestination Instance = new();

    private readonly ConcurrentDictionary<Guid, int> _deliveries = new();
    private readonly ConcurrentDictionary<TenantId, int> _failuresLeft = new();
    private readonly ConcurrentDictionary<TenantId, int> _failed = new();

    public string Name => DestinationName;

    public void FailFor(TenantId tenant, int times) => _failuresLeft[tenant] = times;

    public int Failures(TenantId tenant) => _failed.GetValueOrDefault(tenant);

    /// <summary>How many times an event was delivered (0: never).</summary>
    public int Deliveries(Guid eventId) => _deliveries.GetValueOrDefault(eventId);

    public Task DeliverAsync(IReadOnlyList<StructuredEvent> batch, CancellationToken cancellationToken)
    {
        foreach (var tenant in batch.Select(e => e.TenantId).Distinct())
        {
            if (_failuresLeft.TryGetValue(tenant, out var left) && left > 0 && _failuresLeft.TryUpdate(tenant, left - 1, left))
            {
                _failed.AddOrUpdate(tenant, 1, (_, n) => n + 1);
                throw new InvalidOperationException($"test destination is down for tenant {tenant}");
            }
        }

        foreach (var e in batch)
        {
            _deliveries.AddOrUpdate(e.EventId, 1, (_, n) => n + 1);
        }

        return Task.CompletedTask;
    }
}
