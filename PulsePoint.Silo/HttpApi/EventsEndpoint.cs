using System.Text.Json;
using Microsoft.Extensions.Options;
using PulsePoint.Destinations;
using PulsePoint.Events;

namespace PulsePoint.Silo.HttpApi;

/// <summary>
/// <c>POST /v1/events</c>: a JSON batch of structured events (<c>{"events": [...]}</c>, each in <see cref="EventJson"/>'s
/// snake_case shape) for the key's tenant. One result per event, in order: <c>stored</c>, <c>already_stored</c> (its
/// <c>event_id</c> was stored before: a retry) or <c>rejected</c> with the field named. 200 when no event was rejected,
/// 207 Multi-Status when any was (the others are stored: read each result).
/// </summary>
public static class EventsEndpoint
{
    public const string Path = "/v1/events";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<IResult> PostAsync(
        HttpContext http, HttpEventAppends appends, EventRateLimiter limiter, IOptions<HttpApiOptions> options, TimeProvider time)
    {
        var limits = options.Value;
        var tenant = ApiKeyClaims.IngestTenantOf(http.User);
        if (!IsJson(http.Request.ContentType))
        {
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType, "JSON expected", "Send the batch as Content-Type: application/json.");
        }

        var (body, problem) = await RequestBody.ReadAsync(http, limits.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "Malformed JSON", e.Message);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("events", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                return Problems.Of(StatusCodes.Status400BadRequest, "Not an event batch", "The body must be a JSON object with an array 'events'.");
            }

            var count = items.GetArrayLength();
            if (count == 0 || count > limits.MaxEventsPerRequest)
            {
                return Problems.Of(StatusCodes.Status400BadRequest, "Wrong number of events",
                    $"A batch holds 1 to {limits.MaxEventsPerRequest} events (PulsePoint:Http:MaxEventsPerRequest); this one holds {count}.");
            }

            if (!limiter.TryAcquire(ApiKeyClaims.KeyIdOf(http.User)!, count, out var retryAfter))
            {
                return Problems.TooMany(http, retryAfter, $"This key may send {limits.EventsPerSecondPerKey} events per second (PulsePoint:Http:EventsPerSecondPerKey).");
            }

            var results = new EventResult[count];
            var accepted = new List<(int Index, StructuredEvent Event)>(count);
            var now = time.GetUtcNow();
            var index = 0;
            foreach (var item in items.EnumerateArray())
            {
                try
                {
                    accepted.Add((index, EventJson.Read(item, tenant, now)));
                }
                catch (InvalidEventException e)
                {
                    results[index] = Rejected(index, item, e.Field, e.Message);
                }

                index++;
            }

            IReadOnlyList<EventAppendResult> stored;
            try
            {
                stored = await appends.AppendAsync(tenant, ApiKeyClaims.KeyIdOf(http.User)!, accepted.Select(a => a.Event).ToArray(), http.RequestAborted);
            }
            catch (Exception e) when (HttpEventAppends.Unavailable(http, e) is { } unavailable)
            {
                return unavailable;
            }

            for (var i = 0; i < accepted.Count; i++)
            {
                var (at, result) = (accepted[i].Index, stored[i]);
                results[at] = result.Outcome switch
                {
                    EventAppendOutcome.Stored => new EventResult(at, result.EventId, "stored"),
                    EventAppendOutcome.AlreadyStored => new EventResult(at, result.EventId, "already_stored"),
                    _ => Rejected(at, result.EventId, result.Field ?? "Event", result.Error ?? "is invalid"),
                };
            }

            var rejected = results.Count(r => r.Outcome == "rejected");
            var answer = new EventBatchResult(
                results.Count(r => r.Outcome == "stored"), results.Count(r => r.Outcome == "already_stored"), rejected, results);
            return Results.Json(answer, Json, statusCode: rejected == 0 ? StatusCodes.Status200OK : StatusCodes.Status207MultiStatus);
        }
    }

    internal static bool IsJson(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private static EventResult Rejected(int index, JsonElement item, string field, string message) =>
        Rejected(index, item.ValueKind == JsonValueKind.Object && item.TryGetProperty("event_id", out var id)
            && id.ValueKind == JsonValueKind.String && Guid.TryParseExact(id.GetString(), "D", out var guid) ? guid : null, field, message);

    private static EventResult Rejected(int index, Guid? eventId, string field, string message)
    {
        // The message names the C# property; the API speaks snake_case.
        var name = EventJson.NameOf(field);
        var error = message.StartsWith("Invalid event: ", StringComparison.Ordinal) ? message["Invalid event: ".Length..] : message;
        if (error.StartsWith(field, StringComparison.Ordinal))
        {
            error = name + error[field.Length..];
        }

        return new EventResult(index, eventId, "rejected", name, error.TrimEnd('.'));
    }

    private sealed record EventResult(int Index, Guid? EventId, string Outcome, string? Field = null, string? Error = null);

    private sealed record EventBatchResult(int Stored, int AlreadyStored, int Rejected, IReadOnlyList<EventResult> Results);
}
