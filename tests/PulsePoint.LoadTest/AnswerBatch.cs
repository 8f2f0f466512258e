using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.LoadTest;

/// <summary>The batch of new <c>ai.answer_generated</c> events the ingest scenario and the fault suite append.</summary>
public static class AnswerBatch
{
    /// <summary>
    /// <paramref name="size"/> events of <paramref name="tenant"/>, each with a new id, now; a caller-given
    /// <paramref name="costUsd"/> or none (then the pricing catalog prices them).
    /// </summary>
    public static StructuredEvent[] Create(TenantId tenant, int size, string requestId, string userId, decimal? costUsd = null, double? accuracy = null)
    {
        var now = DateTimeOffset.UtcNow;
        var events = new StructuredEvent[size];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = new StructuredEvent
            {
                EventId = EventIds.New(),
                RequestId = requestId,
                TenantId = tenant,
                UserId = userId,
                Category = EventCategory.AiOperations,
                EventType = EventTypes.AiAnswerGenerated,
                Timestamp = now,
                DurationMs = 640,
                TokensInput = 1200,
                TokensOutput = 350,
                CostUsd = costUsd,
                AccuracyScore = accuracy,
                AiModel = "claude-3-sonnet",
            };
        }

        return events;
    }
}
