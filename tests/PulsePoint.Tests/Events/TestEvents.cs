using Npgsql;
using PulsePoint.Events;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Events;

/// <summary>Valid events for tests, and what PostgreSQL holds of them.</summary>
public static class TestEvents
{
    public static StructuredEvent Answer(TenantId tenant, EventSeverity severity = EventSeverity.Info) => new()
    {
        EventId = Guid.NewGuid(),
        RequestId = "req-" + Guid.NewGuid().ToString("N")[..8],
        TenantId = tenant,
        UserId = "user-1",
        Category = EventCategory.AiOperations,
        EventType = EventTypes.AiAnswerGenerated,
        Severity = severity,
        Timestamp = DateTimeOffset.UtcNow,
        DurationMs = 812.5,
        TokensInput = 1200,
        TokensOutput = 300,
        CostUsd = 0.0123m,
        AccuracyScore = 0.9,
        AiModel = "claude-3-sonnet",
    };

    public static StructuredEvent Request(TenantId tenant, EventSeverity severity = EventSeverity.Info) => new()
    {
        EventId = Guid.NewGuid(),
        TenantId = tenant,
        Category = EventCategory.ApiLifecycle,
        EventType = EventTypes.ApiRequestCompleted,
        Severity = severity,
        Timestamp = DateTimeOffset.UtcNow,
        DurationMs = 12,
    };

    /// <summary>Rows of <paramref name="tenant"/> per event id, read as the pipeline role (no RLS).</summary>
    public static async Task<Dictionary<Guid, int>> RowCountsAsync(TenantId tenant, string? pipelineConnection = null)
    {
        await using var pipeline = TestDatabase.CreateDataSource(pipelineConnection ?? TestDatabase.Pipeline);
        await using var command = pipeline.CreateCommand(
            "select event_id, count(*)::int from observability_events where tenant_id = $1 group by event_id").Bind(tenant.Value);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<Guid, int>();
        while (await reader.ReadAsync())
        {
            counts[reader.GetGuid(0)] = reader.GetInt32(1);
        }

        return counts;
    }

    public static async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        await using var pipeline = TestDatabase.CreateDataSource(TestDatabase.Pipeline);
        await using var command = pipeline.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Bind(value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return await condition();
    }

    public static Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout) => EventuallyAsync(() => Task.FromResult(condition()), timeout);

    internal static NpgsqlDataSource Application() => TestDatabase.CreateDataSource(TestDatabase.Application);
}
