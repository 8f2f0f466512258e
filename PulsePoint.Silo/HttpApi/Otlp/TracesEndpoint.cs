using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using PulsePoint.Events;
using PulsePoint.Silo.HttpApi.Otlp.Wire;

namespace PulsePoint.Silo.HttpApi.Otlp;

/// <summary>
/// <c>POST /v1/traces</c>, OTLP/HTTP: an <c>ExportTraceServiceRequest</c> as <c>application/x-protobuf</c> or
/// <c>application/json</c> (optionally gzip), answered in the same encoding. Spans map to events by
/// <see cref="OtlpSpanMapper"/>. 200 with an empty response when every span was taken; 200 with
/// <c>partial_success</c> (<c>rejected_spans</c> and an <c>error_message</c> naming the first problems) when some were
/// refused; 400 with a <c>google.rpc.Status</c> body when the request cannot be decoded or holds too many spans.
/// </summary>
public static class TracesEndpoint
{
    public const string Path = "/v1/traces";

    private const string Protobuf = "application/x-protobuf";

    private const string Json = "application/json";

    // gRPC status code INVALID_ARGUMENT, as OTLP/HTTP's error bodies use them.
    private const int InvalidArgument = 3;

    private const int ShownRejections = 5;

    public static async Task<IResult> PostAsync(
        HttpContext http, OtlpSpanMapper mapper, HttpEventAppends appends, EventRateLimiter limiter, IOptions<HttpApiOptions> options)
    {
        var limits = options.Value;
        var tenant = ApiKeyClaims.IngestTenantOf(http.User);
        var mediaType = (http.Request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not (Protobuf or Json))
        {
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType, "OTLP expected",
                $"Send an OTLP export request as Content-Type: {Protobuf} or {Json}.");
        }

        var json = mediaType == Json;
        var (body, problem) = await RequestBody.ReadAsync(http, limits.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        ExportTraceServiceRequest request;
        try
        {
            request = json ? OtlpJson.Parse(body!) : ExportTraceServiceRequest.Parser.ParseFrom(body);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or JsonException or InvalidJsonException or FormatException)
        {
            return Error(json, StatusCodes.Status400BadRequest, "the body is not an OTLP ExportTraceServiceRequest: " + e.Message);
        }

        var spanCount = request.ResourceSpans.Sum(r => r.ScopeSpans.Sum(s => s.Spans.Count));
        if (spanCount > limits.MaxEventsPerRequest)
        {
            return Error(json, StatusCodes.Status400BadRequest,
                $"an export may hold at most {limits.MaxEventsPerRequest} spans (PulsePoint:Http:MaxEventsPerRequest); this one holds {spanCount}");
        }

        var spans = mapper.Map(request, tenant);
        var events = spans.Where(s => s.Event is not null).ToList();
        if (events.Count > 0 && !limiter.TryAcquire(ApiKeyClaims.KeyIdOf(http.User)!, events.Count, out var retryAfter))
        {
            return Problems.TooMany(http, retryAfter, $"This key may send {limits.EventsPerSecondPerKey} events per second (PulsePoint:Http:EventsPerSecondPerKey).");
        }

        IReadOnlyList<EventAppendResult> stored;
        try
        {
            stored = await appends.AppendAsync(tenant, ApiKeyClaims.KeyIdOf(http.User)!, events.Select(s => s.Event!).ToArray(), http.RequestAborted);
        }
        catch (Exception e) when (HttpEventAppends.Unavailable(http, e) is { } unavailable)
        {
            return unavailable;
        }

        var rejections = spans.Where(s => s.Rejection is not null).Select(s => $"span {s.SpanId}: {s.Rejection}").ToList();
        for (var i = 0; i < events.Count; i++)
        {
            if (stored[i].Outcome == EventAppendOutcome.Rejected)
            {
                rejections.Add($"span {events[i].SpanId}: {stored[i].Error}");
            }
        }

        var response = new ExportTraceServiceResponse();
        if (rejections.Count > 0)
        {
            var message = new StringBuilder($"{rejections.Count} of {spanCount} spans rejected: ");
            message.AppendJoin("; ", rejections.Take(ShownRejections));
            if (rejections.Count > ShownRejections)
            {
                message.Append($"; and {rejections.Count - ShownRejections} more");
            }

            response.PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = rejections.Count, ErrorMessage = message.ToString() };
        }

        return json
            ? Results.Text(OtlpJson.Format(response), Json, Encoding.UTF8, StatusCodes.Status200OK)
            : new ProtobufResult(response, StatusCodes.Status200OK);
    }

    /// <summary>An OTLP/HTTP error: a <c>google.rpc.Status</c> in the request's encoding.</summary>
    private static IResult Error(bool json, int status, string message)
    {
        var body = new Wire.Rpc.Status { Code = InvalidArgument, Message = message };
        return json
            ? Results.Text(OtlpJson.Format(body), Json, Encoding.UTF8, status)
            : new ProtobufResult(body, status);
    }

    /// <summary>A protobuf message body with a status code of its own (Results.Bytes always answers 200).</summary>
    private sealed class ProtobufResult(IMessage message, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var bytes = message.ToByteArray();
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = Protobuf;
            httpContext.Response.ContentLength = bytes.Length;
            await httpContext.Response.Body.WriteAsync(bytes, httpContext.RequestAborted);
        }
    }
}
