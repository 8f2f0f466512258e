using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using PulsePoint.Silo.HttpApi.Otlp.Wire;

namespace PulsePoint.Silo.HttpApi.Otlp;

/// <summary>
/// OTLP/JSON: the protobuf JSON mapping of the export request, except that trace and span ids are hex strings, not
/// base64 (OTLP specification, "JSON Protobuf Encoding"). The ids are rewritten to base64 before the protobuf JSON
/// parser reads the body; an id that is not hex becomes empty, so its span is rejected as having an invalid id.
/// Unknown fields are ignored, as the specification asks of receivers.
/// </summary>
public static class OtlpJson
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    private static readonly string[] IdFields = ["traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"];

    /// <summary>Parses an OTLP/JSON export request.</summary>
    /// <exception cref="InvalidJsonException">The body is not an export request.</exception>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    public static ExportTraceServiceRequest Parse(byte[] body)
    {
        var root = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("an OTLP/JSON request is a JSON object");
        foreach (var resource in Items(root, "resourceSpans", "resource_spans"))
        {
            foreach (var scope in Items(resource, "scopeSpans", "scope_spans"))
            {
                foreach (var span in Items(scope, "spans"))
                {
                    HexToBase64(span);
                }
            }
        }

        return Parser.Parse<ExportTraceServiceRequest>(root.ToJsonString());
    }

    /// <summary>The response as OTLP/JSON.</summary>
    public static string Format(IMessage message) => JsonFormatter.Default.Format(message);

    private static IEnumerable<JsonObject> Items(JsonNode? parent, params string[] names)
    {
        if (parent is not JsonObject obj)
        {
            yield break;
        }

        foreach (var name in names)
        {
            if (obj[name] is JsonArray array)
            {
                foreach (var item in array.OfType<JsonObject>())
                {
                    yield return item;
                }
            }
        }
    }

    private static void HexToBase64(JsonObject span)
    {
        foreach (var field in IdFields)
        {
            if (span[field] is JsonValue value && value.TryGetValue<string>(out var hex))
            {
                span[field] = TryHex(hex, out var bytes) ? Convert.ToBase64String(bytes) : "";
            }
        }
    }

    private static bool TryHex(string hex, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
