namespace PulsePoint.Events;

/// <summary>
/// One shard of the event pipeline (key: shard number, see <see cref="EventShards.Of"/>). It buffers
/// appends and writes them to PostgreSQL in batches (group commit): an append completes only after the
/// transaction holding its event has committed. Not tenant-keyed: the grain checks that every event's
/// tenant is the caller's tenant (<c>RequestContext</c>). Use the client's <c>EventTracker</c>, which picks
/// the shard with the cluster's shard count (<see cref="IEventShardsGrain"/>).
/// </summary>
[Alias("PulsePoint.IEventSinkGrain")]
public interface IEventSinkGrain : IGrainWithIntegerKey
{
    /// <summary>Stores one event; completes when it is committed (or was already stored).</summary>
    /// <exception cref="InvalidEventException">The event is invalid; the message names the field.</exception>
    /// <exception cref="Tenancy.TenantMismatchException">The event is not the caller's tenant's.</exception>
    /// <exception cref="WrongEventShardException">The tenant belongs to another shard; nothing was accepted.</exception>
    /// <exception cref="EventSinkOverloadedException">The shard's buffer is full; retry later.</exception>
    /// <exception cref="EventSinkUnavailableException">PostgreSQL could not commit the batch; retrying is safe.</exception>
    [Alias("Append")]
    Task<EventAppendOutcome> AppendAsync(StructuredEvent structuredEvent);

    /// <summary>
    /// Stores a batch of one tenant's events; returns one result per event, in order. An invalid event is
    /// rejected alone (its result names the field); the others are stored. Completes after the commit.
    /// </summary>
    /// <exception cref="Tenancy.TenantMismatchException">An event is not the caller's tenant's.</exception>
    /// <exception cref="WrongEventShardException">The tenant belongs to another shard; nothing was accepted.</exception>
    /// <exception cref="EventSinkOverloadedException">The shard's buffer is full; nothing of this call was accepted.</exception>
    /// <exception cref="EventSinkUnavailableException">PostgreSQL could not commit the batch; retrying is safe.</exception>
    [Alias("AppendBatch")]
    Task<IReadOnlyList<EventAppendResult>> AppendBatchAsync(IReadOnlyList<StructuredEvent> events);
}
