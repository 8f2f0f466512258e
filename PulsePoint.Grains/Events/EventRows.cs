using Npgsql;
using NpgsqlTypes;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Events;

/// <summary>The one mapping between <see cref="StructuredEvent"/> and a row of <c>observability_events</c>.</summary>
public static class EventRows
{
    /// <summary>The event's own columns, in the order <see cref="WriteAsync"/> and <see cref="Read"/> use.</summary>
    public const string EventColumns =
        "tenant_id, event_id, occurred_at, request_id, user_id, brand_id, category, event_type, severity, status, " +
        "duration_ms, cpu_time_ms, tokens_used, tokens_input, tokens_output, tokens_cache_read, tokens_cache_write, " +
        "cost_usd, accuracy_score, was_cached, fallback_used, error_code, error_message, ai_model, schema_version, " +
        "budget_reservation_id, attributes, tokens_reasoning";

    /// <summary>How many <see cref="EventColumns"/> there are: the ordinal of the first column after them.</summary>
    public const int EventColumnCount = 28;

    public const string CopySql =
        "copy observability_events (" + EventColumns + ", shard, position, batch_size) from stdin (format binary)";

    public static async Task WriteAsync(NpgsqlBinaryImporter copy, StructuredEvent e, int shard, long position, int batchSize, CancellationToken ct)
    {
        await copy.StartRowAsync(ct);
        await copy.WriteAsync(e.TenantId.Value, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(e.EventId, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(e.Timestamp.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
        await copy.WriteNullableAsync(e.RequestId, NpgsqlDbType.Text, ct);
        await copy.WriteNullableAsync(e.UserId, NpgsqlDbType.Text, ct);
        await copy.WriteNullableAsync(e.BrandId, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(EventNames.Of(e.Category), NpgsqlDbType.Text, ct);
        await copy.WriteAsync(e.EventType, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(EventNames.Of(e.Severity), NpgsqlDbType.Text, ct);
        await copy.WriteAsync(EventNames.Of(e.Status), NpgsqlDbType.Text, ct);
        await copy.WriteNullableAsync(e.DurationMs, NpgsqlDbType.Double, ct);
        await copy.WriteNullableAsync(e.CpuTimeMs, NpgsqlDbType.Double, ct);
        await copy.WriteNullableAsync(e.TokensUsed, NpgsqlDbType.Bigint, ct);
        await copy.WriteNullableAsync(e.TokensInput, NpgsqlDbType.Bigint, ct);
        await copy.WriteNullableAsync(e.TokensOutput, NpgsqlDbType.Bigint, ct);
        await copy.WriteNullableAsync(e.TokensCacheRead, NpgsqlDbType.Bigint, ct);
        await copy.WriteNullableAsync(e.TokensCacheWrite, NpgsqlDbType.Bigint, ct);
        await copy.WriteNullableAsync(e.CostUsd, NpgsqlDbType.Numeric, ct);
        await copy.WriteNullableAsync(e.AccuracyScore, NpgsqlDbType.Double, ct);
        await copy.WriteAsync(e.WasCached, NpgsqlDbType.Boolean, ct);
        await copy.WriteNullableAsync(e.FallbackUsed, NpgsqlDbType.Text, ct);
        await copy.WriteNullableAsync(e.ErrorCode, NpgsqlDbType.Text, ct);
        await copy.WriteNullableAsync(e.ErrorMessage, NpgsqlDbType.Text, ct);
        await copy.WriteNullableAsync(e.AiModel, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(e.SchemaVersion, NpgsqlDbType.Integer, ct);
        await copy.WriteNullableAsync(e.BudgetReservationId, NpgsqlDbType.Uuid, ct);
        await copy.WriteNullableAsync(e.Attributes?.ToJson(), NpgsqlDbType.Jsonb, ct);
        await copy.WriteNullableAsync(e.TokensReasoning, NpgsqlDbType.Bigint, ct);
        await copy.WriteAsync(shard, NpgsqlDbType.Integer, ct);
        await copy.WriteAsync(position, NpgsqlDbType.Bigint, ct);
        await copy.WriteAsync(batchSize, NpgsqlDbType.Integer, ct);
    }

    /// <summary>Reads the <see cref="EventColumns"/> starting at ordinal <paramref name="o"/>.</summary>
    public static StructuredEvent Read(NpgsqlDataReader r, int o = 0) => new()
    {
        TenantId = new TenantId(r.GetGuid(o)),
        EventId = r.GetGuid(o + 1),
        Timestamp = new DateTimeOffset(r.GetFieldValue<DateTime>(o + 2), TimeSpan.Zero),
        RequestId = Nullable<string>(r, o + 3),
        UserId = Nullable<string>(r, o + 4),
        BrandId = r.IsDBNull(o + 5) ? null : r.GetGuid(o + 5),
        Category = EventNames.ParseCategory(r.GetString(o + 6)) ?? throw Unknown("category", r.GetString(o + 6)),
        EventType = r.GetString(o + 7),
        Severity = EventNames.ParseSeverity(r.GetString(o + 8)) ?? throw Unknown("severity", r.GetString(o + 8)),
        Status = EventNames.ParseStatus(r.GetString(o + 9)) ?? throw Unknown("status", r.GetString(o + 9)),
        DurationMs = Value<double>(r, o + 10),
        CpuTimeMs = Value<double>(r, o + 11),
        TokensUsed = Value<long>(r, o + 12),
        TokensInput = Value<long>(r, o + 13),
        TokensOutput = Value<long>(r, o + 14),
        TokensCacheRead = Value<long>(r, o + 15),
        TokensCacheWrite = Value<long>(r, o + 16),
        CostUsd = Value<decimal>(r, o + 17),
        AccuracyScore = Value<double>(r, o + 18),
        WasCached = r.GetBoolean(o + 19),
        FallbackUsed = Nullable<string>(r, o + 20),
        ErrorCode = Nullable<string>(r, o + 21),
        ErrorMessage = Nullable<string>(r, o + 22),
        AiModel = Nullable<string>(r, o + 23),
        SchemaVersion = r.GetInt32(o + 24),
        BudgetReservationId = r.IsDBNull(o + 25) ? null : r.GetGuid(o + 25),
        Attributes = r.IsDBNull(o + 26) ? null : EventAttributes.FromJson(r.GetString(o + 26)),
        TokensReasoning = Value<long>(r, o + 27),
    };

    /// <summary>
    /// The <see cref="StructuredEvent"/> property a column of <c>observability_events</c> or <c>ai_token_usage</c>
    /// holds, to name the field when PostgreSQL refuses a value; null for a column no single property fills.
    /// </summary>
    public static string? PropertyOf(string? column) => column is not null && Properties.TryGetValue(column, out var property) ? property : null;

    private static readonly Dictionary<string, string> Properties = new(StringComparer.Ordinal)
    {
        ["event_id"] = nameof(StructuredEvent.EventId),
        ["tenant_id"] = nameof(StructuredEvent.TenantId),
        ["occurred_at"] = nameof(StructuredEvent.Timestamp),
        ["recorded_at"] = nameof(StructuredEvent.Timestamp),
        ["request_id"] = nameof(StructuredEvent.RequestId),
        ["user_id"] = nameof(StructuredEvent.UserId),
        ["brand_id"] = nameof(StructuredEvent.BrandId),
        ["category"] = nameof(StructuredEvent.Category),
        ["event_type"] = nameof(StructuredEvent.EventType),
        ["operation"] = nameof(StructuredEvent.EventType),
        ["severity"] = nameof(StructuredEvent.Severity),
        ["status"] = nameof(StructuredEvent.Status),
        ["duration_ms"] = nameof(StructuredEvent.DurationMs),
        ["cpu_time_ms"] = nameof(StructuredEvent.CpuTimeMs),
        ["tokens_used"] = nameof(StructuredEvent.TokensUsed),
        ["total_tokens"] = nameof(StructuredEvent.TokensUsed),
        ["tokens_input"] = nameof(StructuredEvent.TokensInput),
        ["input_tokens"] = nameof(StructuredEvent.TokensInput),
        ["tokens_output"] = nameof(StructuredEvent.TokensOutput),
        ["output_tokens"] = nameof(StructuredEvent.TokensOutput),
        ["tokens_cache_read"] = nameof(StructuredEvent.TokensCacheRead),
        ["cache_read_tokens"] = nameof(StructuredEvent.TokensCacheRead),
        ["tokens_cache_write"] = nameof(StructuredEvent.TokensCacheWrite),
        ["cache_write_tokens"] = nameof(StructuredEvent.TokensCacheWrite),
        ["tokens_reasoning"] = nameof(StructuredEvent.TokensReasoning),
        ["reasoning_tokens"] = nameof(StructuredEvent.TokensReasoning),
        ["cost_usd"] = nameof(StructuredEvent.CostUsd),
        ["total_cost_usd"] = nameof(StructuredEvent.CostUsd),
        ["accuracy_score"] = nameof(StructuredEvent.AccuracyScore),
        ["fallback_used"] = nameof(StructuredEvent.FallbackUsed),
        ["error_code"] = nameof(StructuredEvent.ErrorCode),
        ["error_message"] = nameof(StructuredEvent.ErrorMessage),
        ["ai_model"] = nameof(StructuredEvent.AiModel),
        ["model"] = nameof(StructuredEvent.AiModel),
        ["schema_version"] = nameof(StructuredEvent.SchemaVersion),
        ["budget_reservation_id"] = nameof(StructuredEvent.BudgetReservationId),
        ["attributes"] = nameof(StructuredEvent.Attributes),
    };

    private static T? Nullable<T>(NpgsqlDataReader r, int ordinal) where T : class => r.IsDBNull(ordinal) ? null : r.GetFieldValue<T>(ordinal);

    private static T? Value<T>(NpgsqlDataReader r, int ordinal) where T : struct => r.IsDBNull(ordinal) ? null : r.GetFieldValue<T>(ordinal);

    private static InvalidOperationException Unknown(string what, string value) => new($"observability_events holds an unknown {what} '{value}'");
}
