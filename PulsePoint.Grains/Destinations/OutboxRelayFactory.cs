using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PulsePoint.Events;

namespace PulsePoint.Destinations;

/// <summary>Creates the outbox relay of an event sink shard activation with the configured destinations.</summary>
public sealed class OutboxRelayFactory(
    IEnumerable<IEventDestination> destinations,
    EventStore store,
    DestinationCursorStore cursors,
    RelayLagMonitor monitor,
    IOptions<EventOptions> options,
    TimeProvider time,
    ILoggerFactory loggers)
{
    private readonly IEventDestination[] _destinations = Unique(destinations.ToArray());

    /// <summary>The configured destinations' names.</summary>
    public IReadOnlyList<string> DestinationNames => _destinations.Select(d => d.Name).ToArray();

    public OutboxRelay Create(int shard, Action keepAlive) =>
        new(shard, _destinations, store, cursors, monitor, options.Value, time, keepAlive, loggers.CreateLogger<OutboxRelay>());

    private static IEventDestination[] Unique(IEventDestination[] destinations)
    {
        var duplicate = destinations.GroupBy(d => d.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null
            ? destinations
            : throw new InvalidOperationException($"Two event destinations are named '{duplicate.Key}'; each needs its own cursor name.");
    }
}
