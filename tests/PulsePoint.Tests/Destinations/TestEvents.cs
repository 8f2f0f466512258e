using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.Destinations;

/// <summary>Valid events with every field set, for destination tests.</summary>
public static class TestEvents
{
    public static StructuredEvent Full(TenantId tenant, DateTimeOffset timestamp, int n = 0) => new()
    {
        EventId = Guid.NewGuid(),
        RequestId = $"req-{n}",
        TenantId = tenant,
        UserId = $"user-{n}",
        BrandId = Guid.NewGuid(),
        Category = EventCategory.AiOperations,
        EventType = EventTypes.AiAnswerGenerated,
        Severity = EventSeverity.Warning,
        Status = EventStatus.Partial,
        Timestamp = timestamp,
        DurationMs = 123.5 + n,
        CpuTimeMs = 45.25,
        TokensUsed = 1500 + n,
        TokensInput = 1000,
        TokensOutput = 400,
        TokensCacheRead = 80,
        TokensCacheWrite = 20,
        CostUsd = 0.012345m,
        AccuracyScore = 0.875,
        WasCached = true,
        FallbackUsed = "smaller-model",
        ErrorCode = "rate_limited",
        ErrorMessage = "retried once — \"quoted\" and ünïcode",
        AiModel = "claude-3-sonnet",
    };

    public static StructuredEvent Minimal(TenantId tenant, DateTimeOffset timestamp) => new()
    {
        EventId = Guid.NewGuid(),
        TenantId = tenant,
        Category = EventCategory.ApiLifecycle,
        EventType = EventTypes.ApiRequestCompleted,
        Timestamp = timestamp,
    };

    public static List<StructuredEvent> Many(TenantId tenant, DateTimeOffset timestamp, int count) =>
        Enumerable.Range(0, count).Select(i => Full(tenant, timestamp.AddMilliseconds(i), i)).ToList();
}
