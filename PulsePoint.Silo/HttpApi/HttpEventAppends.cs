using System.Globalization;
using PulsePoint.Client;
using PulsePoint.Client.Resilience;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.HttpApi;

/// <summary>
/// Appends what an HTTP request carries through the one event path (<see cref="EventTracker"/> → the tenant's
/// <see cref="IEventSinkGrain"/> shard → group commit), inside the key's tenant's scope. Code in a silo has no outgoing
/// filter that carries <see cref="TenantScope"/>, so the tenant is put into the request context here, as
/// <see cref="SiloEventAppends"/> does for the silo's own events.
/// </summary>
public sealed class HttpEventAppends(EventTracker tracker)
{
    /// <summary>
    /// One result per event, in order, once the batch is committed. Each event carries the sending key's id in its
    /// <see cref="SpendAttributes.ApiKeyId"/> attribute (whatever the body said), so the key's spend limits count it.
    /// </summary>
    public async Task<IReadOnlyList<EventAppendResult>> AppendAsync(TenantId tenant, string apiKeyId, IReadOnlyList<StructuredEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return [];
        }

        CallerTenant.Set(tenant);
        return await tracker.TrackBatchAsync(tenant, events.Select(e => WithKey(e, apiKeyId)).ToArray(), cancellationToken);
    }

    private static StructuredEvent WithKey(StructuredEvent e, string apiKeyId) => e with
    {
        Attributes = new EventAttributes((e.Attributes ?? EventAttributes.Of())
            .Where(a => a.Key != SpendAttributes.ApiKeyId)
            .Append(KeyValuePair.Create(SpendAttributes.ApiKeyId, apiKeyId))),
    };

    /// <summary>The answer when the sink could not take the batch (nothing of it is acknowledged; a retry is safe), or null.</summary>
    public static IResult? Unavailable(HttpContext http, Exception e)
    {
        var (retryAfter, detail) = e switch
        {
            EventSinkOverloadedException => (1, "The event pipeline is full; retry shortly with the same event ids."),
            EventSinkUnavailableException or PulsePointUnavailableException => (5, "The event store is unavailable; retry later with the same event ids."),
            _ => (0, ""),
        };
        if (retryAfter == 0)
        {
            return null;
        }

        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return Problems.Of(StatusCodes.Status503ServiceUnavailable, "Events not stored", detail);
    }
}
