using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.Analytics;

/// <summary>Builds events for analytics tests: only the fields a report reads, the rest defaulted.</summary>
public static class AnalyticsEvents
{
    public static StructuredEvent Ai(
        TenantId tenant, DateTimeOffset at, string? model, long input, long output, long? used, decimal cost,
        double? durationMs = null, double? accuracy = null, long cacheRead = 0, EventStatus status = EventStatus.Success) => new()
    {
        EventId = Guid.NewGuid(),
        TenantId = tenant,
        Category = EventCategory.AiOperations,
        EventType = EventTypes.AiAnswerGenerated,
        Timestamp = at,
        AiModel = model,
        TokensInput = input,
        TokensOutput = output,
        TokensUsed = used,
        TokensCacheRead = cacheRead,
        CostUsd = cost,
        DurationMs = durationMs,
        AccuracyScore = accuracy,
        Status = status,
    };

    public static StructuredEvent Api(
        TenantId tenant, DateTimeOffset at, string eventType, double? durationMs,
        EventStatus status = EventStatus.Success, EventSeverity severity = EventSeverity.Info, double? accuracy = null) => new()
    {
        EventId = Guid.NewGuid(),
        TenantId = tenant,
        Category = EventCategory.ApiLifecycle,
        EventType = eventType,
        Timestamp = at,
        DurationMs = durationMs,
        Status = status,
        Severity = severity,
        AccuracyScore = accuracy,
    };
}
