using System.Globalization;
using System.Text.Json;
using PulsePoint.Events;

namespace PulsePoint.Destinations;

/// <summary>
/// The one JSON shape of an event outside PostgreSQL: the Pub/Sub message payload and the BigQuery row.
/// Field names are PostgreSQL's snake_case columns, enums are their wire names (<see cref="EventNames"/>),
/// the timestamp is RFC 3339 in UTC with microseconds, and absent values are omitted.
/// </summary>
internal static class EventJson
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
}
