using System.Collections.Concurrent;
using PulsePoint.Destinations;
using PulsePoint.Events;

namespace PulsePoint.Tests.Events;

/// <summary>A destination with its own <see cref="IEventDestination.MaxBatchSize"/>: records each delivery's size and the ids it held.</summary>
public sealed class SmallBatchDestination : IEventDestination
{
    public const string DestinationName = "test-small-batch";

    public const int BatchSize = 7;

    public static readonly SmallBatchDestination Instance = new();

    private readonly ConcurrentQueue<int> _sizes = new();
    private readonly ConcurrentDictionary<Guid, byte> _delivered = new();

    public string Name => DestinationName;

    public int? MaxBatchSize => BatchSize;

    /// <summary>The size of every delivery so far, of every test's events.</summary>
    public IReadOnlyList<int> Sizes => _sizes.ToArray();

    public bool Delivered(Guid eventId) => _delivered.ContainsKey(eventId);

    public Task DeliverAsync(IReadOnlyList<StructuredEvent> batch, CancellationToken cancellationToken)
    {
        _sizes.Enqueue(batch.Count);
        foreach (var e in batch)
        {
            _delivered.TryAdd(e.EventId, 0);
        }

        return Task.CompletedTask;
    }
}
