using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.LoadTest.Scenarios;

/// <summary>
/// What a backend service does per request: track one event with <c>EventTracker.TrackAsync</c>
/// (validated in the client, sent to the tenant's EventSinkGrain shard, acknowledged once its group
/// commit is in PostgreSQL). Two shapes: an AI answer (model, tokens, cost, accuracy) and an API
/// request (status and timing). The baseline writes the same single row with raw Npgsql binary COPY in its
/// own transaction — what a service writing straight to PostgreSQL would do per request, with no
/// batching, dedup, validation or grain hop.
/// </summary>
public sealed class TrackEventScenario : Scenario
{
    // Baseline rows use a shard no sink owns, so the outbox relays never read them (as in ingest).
    private const int BaselineShard = 100_001;
    private static readonly string[] Models = ["claude-3-sonnet", "claude-3-haiku", "claude-haiku-4-5"];

    private readonly Func<TenantId, Random, DateTimeOffset, StructuredEvent> _make;
    private EventTracker? _tracker;

    private TrackEventScenario(string name, string description, Func<TenantId, Random, DateTimeOffset, StructuredEvent> make)
    {
        Name = name;
        Description = description;
        _make = make;
    }

    public override string Name { get; }

    public override string Description { get; }

    public override string? Baseline => "raw Npgsql binary COPY of the same one row into observability_events, one transaction per operation";

    /// <summary>An AI answer: model, input/output/cache tokens, cost, accuracy.</summary>
    public static TrackEventScenario Ai() => new(
        "track-ai",
        "EventTracker.TrackAsync of one ai.answer_generated event (client → EventSinkGrain → group commit)",
        (tenant, random, now) => new StructuredEvent
        {
            EventId = Guid.NewGuid(),
            RequestId = "load",
            TenantId = tenant,
            UserId = "load-user",
            Category = EventCategory.AiOperations,
            EventType = EventTypes.AiAnswerGenerated,
            Timestamp = now,
            DurationMs = 300 + random.Next(1500),
            TokensInput = 200 + random.Next(3000),
            TokensOutput = 50 + random.Next(800),
            TokensCacheRead = random.Next(2) == 0 ? 0 : random.Next(2000),
            AccuracyScore = 0.5 + random.NextDouble() / 2,
            AiModel = Models[random.Next(Models.Length)],
        });

    /// <summary>An API request: status and timing (one in 50 fails with an error code).</summary>
    public static TrackEventScenario Api() => new(
        "track-api",
        "EventTracker.TrackAsync of one api.request_completed event (client → EventSinkGrain → group commit)",
        (tenant, random, now) =>
        {
            var failed = random.Next(50) == 0;
            return new StructuredEvent
            {
                EventId = Guid.NewGuid(),
                RequestId = "load",
                TenantId = tenant,
                UserId = "load-user",
                Category = EventCategory.ApiLifecycle,
                EventType = EventTypes.ApiRequestCompleted,
                Timestamp = now,
                Status = failed ? EventStatus.Failure : EventStatus.Success,
                Severity = failed ? EventSeverity.Error : EventSeverity.Info,
                DurationMs = 2 + random.Next(200),
                CpuTimeMs = 1 + random.Next(20),
                ErrorCode = failed ? "http_500" : null,
            };
        });

    public override async Task SetupAsync(LoadContext context, CancellationToken cancellationToken)
    {
        _tracker = new EventTracker(context.Client);
        await TenantCheckScenario.CreateTenantsAsync(context, cancellationToken);
    }

    public override async Task RunOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        var outcome = await _tracker!.TrackAsync(_make(context.PickTenant(random), random, DateTimeOffset.UtcNow));
        if (outcome != EventAppendOutcome.Stored)
        {
            throw new InvalidOperationException($"the event was not stored: {outcome}");
        }
    }

    public override async Task RunBaselineOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        var e = _make(context.PickBaselineTenant(random), random, DateTimeOffset.UtcNow);
        await using var connection = await context.Pipeline.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var copy = await connection.BeginBinaryImportAsync(EventRows.CopySql, cancellationToken))
        {
            await EventRows.WriteAsync(copy, e, BaselineShard, 0, 1, cancellationToken);
            await copy.CompleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
