using System.Globalization;
using System.Text;
using System.Text.Json;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Destinations;

/// <summary>
/// The one JSON shape of an event outside PostgreSQL: the Pub/Sub message payload, the BigQuery row, and what
/// <c>POST /v1/events</c> reads (<see cref="Read"/>). Field names are PostgreSQL's snake_case columns, enums are
/// their wire names (<see cref="EventNames"/>), the timestamp is RFC 3339 in UTC with microseconds, and absent
/// values are omitted.
/// </summary>
public static class EventJson
{
    /// <summary>Writes <paramref name="e"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter json, StructuredEvent e)
    {
        json.WriteStartObject();
        json.WriteString("event_id", e.EventId);
        WriteIfSet(json, "request_id", e.RequestId);
        json.WriteString("tenant_id", e.TenantId.Value);
        WriteIfSet(json, "user_id", e.UserId);
        if (e.BrandId is { } brand) json.WriteString("brand_id", brand);
        json.WriteString("category", EventNames.Of(e.Category));
        json.WriteString("event_type", e.EventType);
        json.WriteString("severity", EventNames.Of(e.Severity));
        json.WriteString("status", EventNames.Of(e.Status));
        json.WriteString("timestamp", Timestamp(e.Timestamp));
        if (e.DurationMs is { } duration) json.WriteNumber("duration_ms", duration);
        if (e.CpuTimeMs is { } cpu) json.WriteNumber("cpu_time_ms", cpu);
        if (e.TokensUsed is { } used) json.WriteNumber("tokens_used", used);
        if (e.TokensInput is { } input) json.WriteNumber("tokens_input", input);
        if (e.TokensOutput is { } output) json.WriteNumber("tokens_output", output);
        if (e.TokensCacheRead is { } cacheRead) json.WriteNumber("tokens_cache_read", cacheRead);
        if (e.TokensCacheWrite is { } cacheWrite) json.WriteNumber("tokens_cache_write", cacheWrite);
        if (e.TokensReasoning is { } reasoning) json.WriteNumber("tokens_reasoning", reasoning);
        // Money as a decimal string, never through a double (BigQuery BIGNUMERIC accepts the string form).
        if (e.CostUsd is { } cost) json.WriteString("cost_usd", cost.ToString(CultureInfo.InvariantCulture));
        if (e.AccuracyScore is { } accuracy) json.WriteNumber("accuracy_score", accuracy);
        json.WriteBoolean("was_cached", e.WasCached);
        WriteIfSet(json, "fallback_used", e.FallbackUsed);
        WriteIfSet(json, "error_code", e.ErrorCode);
        WriteIfSet(json, "error_message", e.ErrorMessage);
        WriteIfSet(json, "ai_model", e.AiModel);
        json.WriteNumber("schema_version", e.SchemaVersion);
        if (e.BudgetReservationId is { } reservation) json.WriteString("budget_reservation_id", reservation);
        // A JSON object as text: one shape for Pub/Sub subscribers and BigQuery, which takes JSON values as strings.
        if (e.Attributes is { } attributes) json.WriteString("attributes", attributes.ToJson());
        json.WriteEndObject();
    }

    /// <summary>The event as UTF-8 JSON bytes.</summary>
    public static byte[] ToUtf8(StructuredEvent e)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, e);
        }

        return buffer.ToArray();
    }

    /// <summary>RFC 3339, UTC, microseconds: what BigQuery TIMESTAMP and every JSON reader accept.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    /// <summary>
    /// Reads one event written in this shape, for <paramref name="tenant"/>. <c>event_id</c>, <c>category</c> and
    /// <c>event_type</c> are required; <c>timestamp</c> defaults to <paramref name="now"/>, severity and status to
    /// info and success. <c>tenant_id</c> may be left out; when given it must be <paramref name="tenant"/>.
    /// <c>attributes</c> is an object of strings (or that object as JSON text, as <see cref="Write"/> writes it);
    /// <c>cost_usd</c> a number or a decimal string, read exactly. Unknown fields are refused, so a misspelt field
    /// is not dropped silently. The event is not validated here (<see cref="StructuredEventValidator"/> is).
    /// </summary>
    /// <exception cref="InvalidEventException">A field is missing, unknown or of the wrong type; <see cref="InvalidEventException.Field"/> is its C# name.</exception>
    public static StructuredEvent Read(JsonElement item, TenantId tenant, DateTimeOffset now)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidEventException("Event", "must be a JSON object");
        }

        Guid? eventId = null;
        EventCategory? category = null;
        string? eventType = null;
        var e = new StructuredEvent { EventId = Guid.Empty, TenantId = tenant, Category = EventCategory.System, EventType = "", Timestamp = now };
        foreach (var property in item.EnumerateObject())
        {
            var v = property.Value;
            switch (property.Name)
            {
                case "event_id": eventId = Uuid(v, nameof(e.EventId)); break;
                case "tenant_id":
                    if (Uuid(v, nameof(e.TenantId)) != tenant.Value)
                    {
                        throw new InvalidEventException(nameof(e.TenantId), "names another tenant than the API key's; leave it out: the key names the tenant");
                    }

                    break;
                case "request_id": e = e with { RequestId = Text(v, nameof(e.RequestId)) }; break;
                case "user_id": e = e with { UserId = Text(v, nameof(e.UserId)) }; break;
                case "brand_id": e = e with { BrandId = Uuid(v, nameof(e.BrandId)) }; break;
                case "category":
                    category = EventNames.ParseCategory(Text(v, nameof(e.Category)))
                        ?? throw new InvalidEventException(nameof(e.Category), "is not one of " + string.Join(", ", Enum.GetValues<EventCategory>().Select(EventNames.Of)));
                    break;
                case "event_type": eventType = Text(v, nameof(e.EventType)); break;
                case "severity":
                    e = e with { Severity = EventNames.ParseSeverity(Text(v, nameof(e.Severity))) ?? throw new InvalidEventException(nameof(e.Severity), "is not one of debug, info, warning, error, critical") };
                    break;
                case "status":
                    e = e with { Status = EventNames.ParseStatus(Text(v, nameof(e.Status))) ?? throw new InvalidEventException(nameof(e.Status), "is not one of success, failure, partial") };
                    break;
                case "timestamp": e = e with { Timestamp = Instant(v, nameof(e.Timestamp)) }; break;
                case "duration_ms": e = e with { DurationMs = Number(v, nameof(e.DurationMs)) }; break;
                case "cpu_time_ms": e = e with { CpuTimeMs = Number(v, nameof(e.CpuTimeMs)) }; break;
                case "tokens_used": e = e with { TokensUsed = Integer(v, nameof(e.TokensUsed)) }; break;
                case "tokens_input": e = e with { TokensInput = Integer(v, nameof(e.TokensInput)) }; break;
                case "tokens_output": e = e with { TokensOutput = Integer(v, nameof(e.TokensOutput)) }; break;
                case "tokens_cache_read": e = e with { TokensCacheRead = Integer(v, nameof(e.TokensCacheRead)) }; break;
                case "tokens_cache_write": e = e with { TokensCacheWrite = Integer(v, nameof(e.TokensCacheWrite)) }; break;
                case "tokens_reasoning": e = e with { TokensReasoning = Integer(v, nameof(e.TokensReasoning)) }; break;
                case "cost_usd": e = e with { CostUsd = Money(v, nameof(e.CostUsd)) }; break;
                case "accuracy_score": e = e with { AccuracyScore = Number(v, nameof(e.AccuracyScore)) }; break;
                case "was_cached":
                    e = e with { WasCached = v.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False or JsonValueKind.Null => false, _ => throw Wrong(nameof(e.WasCached), "true or false") } };
                    break;
                case "fallback_used": e = e with { FallbackUsed = Text(v, nameof(e.FallbackUsed)) }; break;
                case "error_code": e = e with { ErrorCode = Text(v, nameof(e.ErrorCode)) }; break;
                case "error_message": e = e with { ErrorMessage = Text(v, nameof(e.ErrorMessage)) }; break;
                case "ai_model": e = e with { AiModel = Text(v, nameof(e.AiModel)) }; break;
                case "schema_version": e = e with { SchemaVersion = (int)Math.Clamp(Integer(v, nameof(e.SchemaVersion)) ?? StructuredEvent.CurrentSchemaVersion, int.MinValue, int.MaxValue) }; break;
                case "budget_reservation_id": e = e with { BudgetReservationId = Uuid(v, nameof(e.BudgetReservationId)) }; break;
                case "attributes": e = e with { Attributes = Attributes(v) }; break;
                default:
                    throw new InvalidEventException(Shown(property.Name), "is not a field of an event");
            }
        }

        return e with
        {
            EventId = eventId ?? throw new InvalidEventException(nameof(e.EventId), "is required: a UUID the sender keeps, so a retry stores the event once"),
            Category = category ?? throw new InvalidEventException(nameof(e.Category), "is required"),
            EventType = eventType ?? throw new InvalidEventException(nameof(e.EventType), "is required"),
        };
    }

    /// <summary>The snake_case name of a <see cref="StructuredEvent"/> property (<c>TokensInput</c> → <c>tokens_input</c>), as this shape names it.</summary>
    public static string NameOf(string property)
    {
        var name = new StringBuilder(property.Length + 4);
        for (var i = 0; i < property.Length; i++)
        {
            if (char.IsUpper(property[i]) && i > 0)
            {
                name.Append('_');
            }

            name.Append(char.ToLowerInvariant(property[i]));
        }

        return name.ToString();
    }

    private static Guid? Uuid(JsonElement v, string field) => v.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String when Guid.TryParseExact(v.GetString(), "D", out var id) => id,
        _ => throw Wrong(field, "a UUID like 3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
    };

    private static string? Text(JsonElement v, string field) => v.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => v.GetString(),
        _ => throw Wrong(field, "a string"),
    };

    private static DateTimeOffset Instant(JsonElement v, string field) =>
        v.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
        && v.GetString()!.Contains('T', StringComparison.Ordinal)
            ? at
            : throw Wrong(field, "an RFC 3339 time like 2026-11-26T15:04:05.123Z");

    private static double? Number(JsonElement v, string field) => v.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number => v.GetDouble(),
        _ => throw Wrong(field, "a number"),
    };

    private static long? Integer(JsonElement v, string field) => v.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number when v.TryGetInt64(out var n) => n,
        _ => throw Wrong(field, "a whole number"),
    };

    // From the JSON text itself, never through a double: a cost is exact to 10^-12 USD.
    private static decimal? Money(JsonElement v, string field) => v.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number or JsonValueKind.String when decimal.TryParse(
            v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText(),
            NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var amount) => amount,
        _ => throw Wrong(field, "a decimal number of USD (a JSON number or a string such as \"0.0125\")"),
    };

    private static EventAttributes? Attributes(JsonElement v)
    {
        const string field = nameof(StructuredEvent.Attributes);
        if (v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        try
        {
            if (v.ValueKind == JsonValueKind.String)
            {
                return EventAttributes.FromJson(v.GetString()!);
            }

            if (v.ValueKind == JsonValueKind.Object)
            {
                return new EventAttributes(v.EnumerateObject().Take(StructuredEventValidator.MaxAttributes + 1).Select(p =>
                    KeyValuePair.Create(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw Wrong(field, "an object whose values are strings"))));
            }
        }
        catch (Exception e) when (e is JsonException or ArgumentException and not InvalidEventException)
        {
            throw new InvalidEventException(field, "must be an object of distinct keys with string values");
        }

        throw Wrong(field, "an object whose values are strings");
    }

    private static InvalidEventException Wrong(string field, string expected) => new(field, $"must be {expected}");

    // An unknown name is echoed bounded and printable: it is the sender's text.
    private static string Shown(string name) =>
        new(name.Take(64).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
