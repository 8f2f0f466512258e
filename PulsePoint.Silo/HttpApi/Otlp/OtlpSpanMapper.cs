using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Silo.HttpApi.Otlp.Wire;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.HttpApi.Otlp;

/// <summary>
/// Maps OTLP spans to events, following the OpenTelemetry GenAI semantic conventions. The events are built with
/// <see cref="EventTracker"/>'s typed builders (the mapping backend services use), then given the span's identity and
/// time:
/// <list type="bullet">
/// <item>a GenAI inference span (<c>gen_ai.operation.name</c> chat, text_completion, generate_content or embeddings) →
/// an <c>ai.operations</c> event <c>ai.&lt;operation&gt;</c>. OTel counts cache reads and cache writes inside
/// <c>gen_ai.usage.input_tokens</c>; an event counts them apart, so input = input_tokens − cache_read − cache_creation
/// (each token billed once; a span whose cache tokens exceed its input tokens is rejected). Output tokens include
/// reasoning tokens, as in OTel. Model: <c>gen_ai.request.model</c>, else <c>gen_ai.response.model</c>.</item>
/// <item>an HTTP server span (kind SERVER with <c>http.request.method</c> and <c>http.response.status_code</c>) → an
/// <c>api.lifecycle</c> event named after <c>http.route</c>, exactly as the ASP.NET Core middleware records one.</item>
/// <item>anything else (agent and tool spans, whose usage repeats their inference spans'; client and internal spans)
/// is ignored: accepted, not stored, not counted as rejected.</item>
/// </list>
/// The event id is derived from (trace id, span id), so an export sent again is stored once.
/// </summary>
public sealed class OtlpSpanMapper(EventTracker tracker)
{
    private const string ReasoningTokens = "gen_ai.usage.reasoning.output_tokens";

    /// <summary>The GenAI operations that are model calls: the ones that use (and bill) tokens.</summary>
    public static readonly IReadOnlySet<string> InferenceOperations = new HashSet<string>(StringComparer.Ordinal)
    {
        "chat", "text_completion", "generate_content", "embeddings",
    };

    /// <summary>The span attributes an AI event keeps in its <see cref="StructuredEvent.Attributes"/> (a fixed, bounded set).</summary>
    public static readonly IReadOnlyList<string> KeptAiAttributes =
    [
        "gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.system", "gen_ai.request.model", "gen_ai.response.model",
        "gen_ai.response.id", "gen_ai.conversation.id", "gen_ai.response.finish_reasons", "gen_ai.usage.input_tokens",
        "gen_ai.usage.reasoning.output_tokens", "error.type",
    ];

    /// <summary>The resource attribute that, when present, must name the key's tenant.</summary>
    public const string TenantAttribute = "pulsepoint.tenant_id";

    /// <summary>A span attribute naming the brand an AI call was for (a UUID), stored as the event's brand id.</summary>
    public const string BrandAttribute = "pulsepoint.brand_id";

    private static readonly byte[] EventIdDomain = "pulsepoint.otlp.span"u8.ToArray();

    /// <summary>One outcome per span, in the order of the request.</summary>
    public IReadOnlyList<OtlpSpan> Map(ExportTraceServiceRequest request, TenantId tenant)
    {
        var mapped = new List<OtlpSpan>();
        foreach (var resource in request.ResourceSpans)
        {
            var resourceAttributes = Attributes(resource.Resource?.Attributes);
            var foreign = resourceAttributes.TryGetValue(TenantAttribute, out var named) && Text(named) != tenant.ToString();
            var service = resourceAttributes.TryGetValue("service.name", out var name) ? Text(name) : null;
            foreach (var scope in resource.ScopeSpans)
            {
                foreach (var span in scope.Spans)
                {
                    var spanId = span.SpanId.Length == 8 ? Convert.ToHexStringLower(span.SpanId.Span) : "(invalid)";
                    mapped.Add(foreign
                        ? new OtlpSpan(spanId, null, $"{TenantAttribute} names another tenant than the API key's")
                        : MapSpan(span, spanId, tenant, service, scope.Scope?.Name));
                }
            }
        }

        return mapped;
    }

    /// <summary>The event id of a span: a UUID (version 8, RFC 9562) from SHA-256 of the trace and span ids, the same for every export of it.</summary>
    public static Guid EventIdOf(ReadOnlySpan<byte> traceId, ReadOnlySpan<byte> spanId)
    {
        Span<byte> input = stackalloc byte[EventIdDomain.Length + 24];
        EventIdDomain.CopyTo(input);
        traceId.CopyTo(input[EventIdDomain.Length..]);
        spanId.CopyTo(input[(EventIdDomain.Length + 16)..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    private OtlpSpan MapSpan(Span span, string spanId, TenantId tenant, string? service, string? scopeName)
    {
        if (span.TraceId.Length != 16 || span.SpanId.Length != 8 || IsZero(span.TraceId) || IsZero(span.SpanId))
        {
            return new OtlpSpan(spanId, null, "trace_id must be 16 bytes and span_id 8 bytes, not all zero");
        }

        var attributes = Attributes(span.Attributes);
        var operation = attributes.TryGetValue("gen_ai.operation.name", out var op) ? Text(op) : null;
        var isAi = operation is not null && InferenceOperations.Contains(operation);
        var method = First(attributes, "http.request.method", "http.method");
        var isHttpServer = !isAi && span.Kind == Span.Types.SpanKind.Server && method is not null;
        if (!isAi && !isHttpServer)
        {
            return new OtlpSpan(spanId, null, null);
        }

        if (span.EndTimeUnixNano < span.StartTimeUnixNano || span.StartTimeUnixNano == 0)
        {
            return new OtlpSpan(spanId, null, "start_time_unix_nano must be set and not after end_time_unix_nano");
        }

        var end = DateTimeOffset.UnixEpoch.AddTicks((long)Math.Min(span.EndTimeUnixNano / 100, (ulong)DateTimeOffset.MaxValue.UtcTicks / 2));
        var duration = TimeSpan.FromTicks((long)((span.EndTimeUnixNano - span.StartTimeUnixNano) / 100));
        var traceId = Convert.ToHexStringLower(span.TraceId.Span);
        var userId = First(attributes, "user.id", "enduser.id");
        var failed = span.Status?.Code == Wire.Status.Types.StatusCode.Error;
        try
        {
            var built = isAi
                ? Ai(attributes, operation!, duration, tenant, traceId, userId, failed, span.Status?.Message)
                : Http(attributes, method!, duration, tenant, traceId, userId);
            if (built.Rejection is not null)
            {
                return new OtlpSpan(spanId, null, built.Rejection);
            }

            var kept = new Dictionary<string, string>(built.Kept) { ["otel.span_id"] = spanId };
            if (span.ParentSpanId.Length == 8)
            {
                kept["otel.parent_span_id"] = Convert.ToHexStringLower(span.ParentSpanId.Span);
            }

            if (service is not null)
            {
                kept["service.name"] = Bounded(service);
            }

            if (scopeName is { Length: > 0 })
            {
                kept["otel.scope.name"] = Bounded(scopeName);
            }

            return new OtlpSpan(spanId, built.Event! with
            {
                EventId = EventIdOf(span.TraceId.Span, span.SpanId.Span),
                Timestamp = end,
                Attributes = new EventAttributes(kept),
            }, null);
        }
        catch (InvalidEventException e)
        {
            return new OtlpSpan(spanId, null, e.Message);
        }
        catch (ArgumentException e)
        {
            return new OtlpSpan(spanId, null, e.Message);
        }
    }

    private (StructuredEvent? Event, string? Rejection, Dictionary<string, string> Kept) Ai(
        Dictionary<string, AnyValue> attributes, string operation, TimeSpan duration, TenantId tenant, string traceId, string? userId,
        bool failed, string? statusMessage)
    {
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in KeptAiAttributes)
        {
            if (attributes.TryGetValue(key, out var value) && Text(value) is { } text)
            {
                kept[key] = Bounded(text);
            }
        }

        var model = First(attributes, "gen_ai.request.model", "gen_ai.response.model");
        if (string.IsNullOrWhiteSpace(model))
        {
            return (null, "gen_ai.request.model (or gen_ai.response.model) is required: an AI event is billed by its model", kept);
        }

        var tokens = new Dictionary<string, long>();
        foreach (var key in new[] { "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_creation.input_tokens", ReasoningTokens })
        {
            if (attributes.TryGetValue(key, out var value))
            {
                if (Whole(value) is not { } count || count < 0)
                {
                    return (null, $"{key} must be a whole number of tokens, not negative", kept);
                }

                tokens[key] = count;
            }
        }

        var input = tokens.GetValueOrDefault("gen_ai.usage.input_tokens");
        var cacheRead = tokens.GetValueOrDefault("gen_ai.usage.cache_read.input_tokens");
        var cacheCreation = tokens.GetValueOrDefault("gen_ai.usage.cache_creation.input_tokens");
        // OTel's input count includes both cache counts; the event's excludes them (each is priced at its own rate).
        if (input - cacheRead - cacheCreation < 0)
        {
            return (null, string.Create(CultureInfo.InvariantCulture,
                $"gen_ai.usage.input_tokens ({input}) is less than gen_ai.usage.cache_read.input_tokens ({cacheRead}) plus gen_ai.usage.cache_creation.input_tokens ({cacheCreation}), which it includes"), kept);
        }

        Guid? brand = null;
        if (attributes.TryGetValue(BrandAttribute, out var brandValue))
        {
            brand = Guid.TryParseExact(Text(brandValue), "D", out var b) ? b : throw new InvalidEventException(nameof(StructuredEvent.BrandId), $"{BrandAttribute} must be a UUID");
        }

        var e = tracker.AiGeneration(model.Trim(), input - cacheRead - cacheCreation, tokens.GetValueOrDefault("gen_ai.usage.output_tokens"), duration, new AiGenerationDetails
        {
            Tenant = tenant,
            RequestId = traceId,
            UserId = userId,
            BrandId = brand,
            TokensCacheRead = tokens.ContainsKey("gen_ai.usage.cache_read.input_tokens") ? cacheRead : null,
            TokensCacheWrite = tokens.ContainsKey("gen_ai.usage.cache_creation.input_tokens") ? cacheCreation : null,
            // A part of the output count, as the event's TokensReasoning is.
            TokensReasoning = tokens.TryGetValue(ReasoningTokens, out var reasoning) ? reasoning : null,
            EventType = "ai." + Identifier(operation),
        });
        if (failed)
        {
            e = e with
            {
                Status = EventStatus.Failure,
                Severity = EventSeverity.Error,
                ErrorCode = kept.TryGetValue("error.type", out var type) ? Bounded(type, 100) : "span_error",
                ErrorMessage = string.IsNullOrEmpty(statusMessage) ? null : Bounded(statusMessage, StructuredEventValidator.MaxErrorMessageLength),
            };
        }

        return (e, null, kept);
    }

    private (StructuredEvent? Event, string? Rejection, Dictionary<string, string> Kept) Http(
        Dictionary<string, AnyValue> attributes, string method, TimeSpan duration, TenantId tenant, string traceId, string? userId)
    {
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        var status = attributes.TryGetValue("http.response.status_code", out var code) || attributes.TryGetValue("http.status_code", out code)
            ? Whole(code)
            : null;
        if (status is not (>= 100 and <= 599))
        {
            return (null, "http.response.status_code is required on an HTTP server span and must be 100-599", kept);
        }

        var route = First(attributes, "http.route");
        return (tracker.ApiRequest(method, route, (int)status, duration, tenant: tenant, userId: userId, requestId: traceId), null, kept);
    }

    private static Dictionary<string, AnyValue> Attributes(IEnumerable<KeyValue>? list)
    {
        var map = new Dictionary<string, AnyValue>(StringComparer.Ordinal);
        foreach (var kv in list ?? [])
        {
            if (kv.Value is not null)
            {
                map[kv.Key] = kv.Value;
            }
        }

        return map;
    }

    private static string? First(Dictionary<string, AnyValue> attributes, params string[] keys) =>
        keys.Select(k => attributes.TryGetValue(k, out var v) ? Text(v) : null).FirstOrDefault(v => !string.IsNullOrEmpty(v));

    private static string? Text(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.ArrayValue => string.Join(",", value.ArrayValue.Values.Select(Text).Where(t => t is not null)),
        _ => null,
    };

    private static long? Whole(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue when double.IsFinite(value.DoubleValue) && Math.Floor(value.DoubleValue) == value.DoubleValue
            && Math.Abs(value.DoubleValue) < 9e15 => (long)value.DoubleValue,
        AnyValue.ValueOneofCase.StringValue when long.TryParse(value.StringValue, NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    /// <summary>An operation name as the last part of a dotted event type: lower case, [a-z0-9_], starting with a letter.</summary>
    private static string Identifier(string operation)
    {
        var chars = operation.ToLowerInvariant().Select(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '_').Take(60).ToArray();
        var text = new string(chars).Trim('_');
        return text.Length > 0 && char.IsAsciiLetterLower(text[0]) ? text : "operation";
    }

    private static string Bounded(string text, int max = StructuredEventValidator.MaxAttributeValueLength) =>
        (text.Length > max ? text[..max] : text).Replace('\0', '?');

    private static bool IsZero(ByteString bytes) => bytes.Span.IndexOfAnyExcept((byte)0) < 0;
}
