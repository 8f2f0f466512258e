using PulsePoint.Tenancy;

namespace PulsePoint.Events;

/// <summary>
/// Appending events from code that runs inside a silo (billing, the demo traffic). Clients use
/// <c>EventTracker</c>, whose outgoing filter carries the tenant; here no such filter runs, so the
/// caller's tenant is put into the request context directly.
/// </summary>
public static class SiloEventAppends
{
    /// <summary>
    /// Appends <paramref name="events"/>, all of <paramref name="tenant"/>, to the tenant's sink shard
    /// (<paramref name="shards"/> = <c>PulsePoint:Events:Shards</c>); completes once they are committed.
    /// </summary>
    public static async Task<IReadOnlyList<EventAppendResult>> AppendAsTenantAsync(
        this IGrainFactory grains, int shards, TenantId tenant, IReadOnlyList<StructuredEvent> events)
    {
        var sink = grains.GetGrain<IEventSinkGrain>(EventShards.Of(tenant, shards));
        // The sink admits only the caller's own tenant's events. Set inside this async method, the
        // tenant does not leak into the caller's request context.
        CallerTenant.Set(tenant);
        return await sink.AppendBatchAsync(events);
    }
}
