using System.Collections.Concurrent;
using PulsePoint.Destinations;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.Events;

/// <summary>
/// A destination whose first delivery holding a chosen tenant's events never returns and ignores its
/// cancellation token, as a call that takes no token (an Orleans stream publish) can during shutdown.
/// Every other delivery returns at once; it records which events it was handed.
/// </summary>
public sealed class StallingDestination : IEventDestination
{
    public const string DestinationName = "test-stalling";

    public static readonly StallingDestination Instance = new();

    private readonly ConcurrentDictionary<TenantId, TaskCompletionSource> _stallOnce = new();
    private readonly ConcurrentDictionary<Guid, int> _handed = new();

    public string Name => DestinationName;

    /// <summary>The next delivery with <paramref name="tenant"/>'s events stalls; the returned task completes when it has begun.</summary>
    public Task StallOnceFor(TenantId tenant) =>
        _stallOnce.GetOrAdd(tenant, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>How many deliveries were handed <paramref name="eventId"/> (the stalled one included).</summary>
    public int TimesHanded(Guid eventId) => _handed.GetValueOrDefault(eventId);

    public Task DeliverAsync(IReadOnlyList<StructuredEvent> batch, CancellationToken cancellationToken)
    {
        foreach (var e in batch)
        {
            _handed.AddOrUpdate(e.EventId, 1, (_, n) => n + 1);
        }

        foreach (var tenant in batch.Select(e => e.TenantId).Distinct())
        {
            if (_stallOnce.TryGetValue(tenant, out var begun) && begun.TrySetResult())
            {
                return Task.Delay(Timeout.Infinite, CancellationToken.None);
            }
        }

        return Task.CompletedTask;
    }
}
