using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Client;

/// <summary>
/// Sends structured events to the cluster: validates them here first (so a bad event fails fast, naming
/// the field), routes each tenant's events to its event sink shard, and returns once they are committed
/// to PostgreSQL. Registered by <see cref="PulsePointClientExtensions.AddPulsePointClient"/>.
/// </summary>
/// <example>
/// <code>
/// await tracker.TrackAsync(new StructuredEvent
/// {
///     EventId = Guid.NewGuid(), TenantId = tenant, Category = EventCategory.AiOperations,
///     EventType = EventTypes.AiAnswerGenerated, Timestamp = DateTimeOffset.UtcNow, TokensInput = 1200,
/// });
/// </code>
/// </example>
public sealed class EventTracker
{
    private readonly IGrainFactory _grains;
    private readonly int _shards;
    private readonly TimeProvider _time;

    /// <summary>Creates a tracker for a cluster with <paramref name="shards"/> event sink shards.</summary>
    public EventTracker(IGrainFactory grains, int shards, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        _grains = grains;
        _shards = shards;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Stores one event; completes when it is committed. Retrying with the same event id is safe.</summary>
    /// <exception cref="InvalidEventException">The event is invalid; nothing was sent.</exception>
    /// <exception cref="EventSinkOverloadedException">The shard is overloaded; back off and retry.</exception>
    /// <exception cref="EventSinkUnavailableException">PostgreSQL did not commit in time; retry.</exception>
    public async Task<EventAppendOutcome> TrackAsync(StructuredEvent structuredEvent)
    {
        ArgumentNullException.ThrowIfNull(structuredEvent);
        StructuredEventValidator.Validate(structuredEvent, _time.GetUtcNow());
        using (TenantScope.Begin(structuredEvent.TenantId))
        {
            return await Sink(structuredEvent.TenantId).AppendAsync(structuredEvent);
        }
    }

    /// <summary>
    /// Stores a batch of <paramref name="tenant"/>'s events in one call; one result per event, in order.
    /// Invalid events are rejected alone (the result names the field); the rest are stored.
    /// </summary>
    /// <exception cref="TenantMismatchException">An event belongs to another tenant.</exception>
    public async Task<IReadOnlyList<EventAppendResult>> TrackBatchAsync(TenantId tenant, IReadOnlyList<StructuredEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Any(e => e is null || e.TenantId != tenant))
        {
            throw new TenantMismatchException($"Every event of a batch must belong to tenant {tenant}.");
        }

        using (TenantScope.Begin(tenant))
        {
            return await Sink(tenant).AppendBatchAsync(events);
        }
    }

    private IEventSinkGrain Sink(TenantId tenant) => _grains.GetGrain<IEventSinkGrain>(EventShards.Of(tenant, _shards));
}
