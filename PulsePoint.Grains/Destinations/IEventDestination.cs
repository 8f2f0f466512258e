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

    /// <summary>
    /// How long the relay may let just-committed events gather before delivering them: a warehouse pays
    /// per request or transaction, so fuller batches cost it far less per event. Zero (the default, and
    /// what real-time buses use) delivers at once; a full batch (<see cref="MaxBatchSize"/>) always goes at once.
    /// </summary>
    TimeSpan BatchDelay => TimeSpan.Zero;

    /// <summary>
    /// Most events in one delivery; null (the default) uses <c>PulsePoint:Events:RelayBatchSize</c>. A
    /// warehouse that pays per transaction takes larger batches than a bus with per-request limits.
    /// </summary>
    int? MaxBatchSize => null;
}
