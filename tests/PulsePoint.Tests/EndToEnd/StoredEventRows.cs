using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.EndToEnd;

/// <summary>One row of <c>observability_events</c>, as the end-to-end tests check it.</summary>
public sealed record StoredEventRow(
    Guid EventId, string? RequestId, string? UserId, Guid? BrandId, string Category, string EventType, string Severity, string Status,
    double? DurationMs, double? CpuTimeMs, long? TokensInput, long? TokensOutput, decimal? CostUsd, string? ErrorCode, string? ErrorMessage, string? AiModel)
{
    private const string Sql = """
        select event_id, request_id, user_id, brand_id, category, event_type, severity, status, duration_ms, cpu_time_ms,
               tokens_input, tokens_output, cost_usd, error_code, error_message, ai_model
        from observability_events where tenant_id = $1 order by occurred_at, event_id
        """;

    /// <summary>Every stored event of <paramref name="tenant"/>, read as the pipeline role (the test's view, not RLS's).</summary>
    public static async Task<IReadOnlyList<StoredEventRow>> OfAsync(TenantId tenant)
    {
        await using var pipeline = TestDatabase.CreateDataSource(TestDatabase.Pipeline);
        await using var command = pipeline.CreateCommand(Sql).Bind(tenant.Value);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<StoredEventRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new StoredEventRow(
                reader.GetGuid(0), Text(1), Text(2), reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.GetString(4), reader.GetString(5),
                reader.GetString(6), reader.GetString(7), Number(8), Number(9), Long(10), Long(11),
                reader.IsDBNull(12) ? null : reader.GetDecimal(12), Text(13), Text(14), Text(15)));
        }

        return rows;

        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        double? Number(int i) => reader.IsDBNull(i) ? null : reader.GetDouble(i);
        long? Long(int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);
    }
}
