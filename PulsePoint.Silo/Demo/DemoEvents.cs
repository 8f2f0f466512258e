using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Demo;

/// <summary>
/// The demo traffic's events: AI answers on a few models (one without a price, so the unpriced
/// warning shows), API requests on a few routes with a latency spread, and now and then an error, so
/// the insights page, the usage verb and the cost alerts have something to show.
/// </summary>
internal sealed class DemoEvents(Random random)
{
    private static readonly string[] Models = ["claude-3-sonnet", "claude-3-haiku", "claude-haiku-4-5", "demo-experimental-model"];
    private static readonly string[] Routes = ["api.brand_summary", "api.answer_question", "api.list_orders"];

    /// <summary>One AI answer and one API request of <paramref name="tenant"/>, sometimes also an error.</summary>
    public IReadOnlyList<StructuredEvent> Next(TenantId tenant, Guid? brand)
    {
        var now = DateTimeOffset.UtcNow;
        var requestId = Guid.NewGuid().ToString("N");
        // The unpriced model is rare: it should show, not dominate.
        var model = random.Next(50) == 0 ? Models[^1] : Models[random.Next(Models.Length - 1)];
        var events = new List<StructuredEvent>
        {
            new()
            {
                EventId = EventIds.New(), RequestId = requestId, TenantId = tenant, BrandId = brand, UserId = "demo-user",
                Category = EventCategory.AiOperations, EventType = EventTypes.AiAnswerGenerated, Timestamp = now,
                DurationMs = 300 + random.Next(2_000), TokensInput = 500 + random.Next(4_000), TokensOutput = 100 + random.Next(800),
                AccuracyScore = Math.Round(0.6 + random.NextDouble() * 0.4, 3), WasCached = random.Next(5) == 0, AiModel = model,
            },
            new()
            {
                EventId = EventIds.New(), RequestId = requestId, TenantId = tenant, UserId = "demo-user",
                Category = EventCategory.ApiLifecycle, EventType = Routes[random.Next(Routes.Length)], Timestamp = now,
                // Mostly fast, with a long tail, so p95/p99 differ visibly from p50.
                DurationMs = random.Next(10) == 0 ? 400 + random.Next(1_600) : 20 + random.Next(120),
            },
        };
        if (random.Next(20) == 0)
        {
            events.Add(new StructuredEvent
            {
                EventId = EventIds.New(), RequestId = requestId, TenantId = tenant, Category = EventCategory.System,
                EventType = EventTypes.SystemError, Severity = EventSeverity.Error, Status = EventStatus.Failure, Timestamp = now,
                ErrorCode = "demo_upstream_timeout", ErrorMessage = "The simulated upstream did not answer in time.",
            });
        }

        return events;
    }
}
