using PulsePoint.Events;

namespace PulsePoint.Destinations;

/// <summary>
/// Where committed events go after PostgreSQL: the real-time bus (Orleans stream or Google Pub/Sub) or
/// the analytics warehouse (DuckDB or Google BigQuery). The outbox relay calls <see cref="DeliverAsync"/>
/// with batches read back from PostgreSQL and advances the destination's cursor only when it returns.
/// </summary>
public interface IEventDestination
{
    /// <summary>Stable name of this destination's cursor in PostgreSQL: <c>realtime</c> or <c>warehouse</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Delivers every event of <paramref name="batch"/> or throws. Must be idempotent by
    /// <see cref="StructuredEvent.EventId"/>: after a failure the relay sends the same events again.
    /// </summary>
    Task DeliverAsync(IReadOnlyList<StructuredEvent> batch, CancellationToken cancellationToken);
}
