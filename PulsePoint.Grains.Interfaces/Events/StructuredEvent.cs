using PulsePoint.Tenancy;

namespace PulsePoint.Events;

/// <summary>
/// One observed operation: every field of the design's StructuredEvent plus cache-token counts and a
/// schema version. Immutable; validated by <see cref="StructuredEventValidator"/> at every edge.
/// Identity is <see cref="EventId"/>: appending the same event twice stores it once.
/// </summary>
[GenerateSerializer, Immutable, Alias("PulsePoint.StructuredEvent")]
public sealed record StructuredEvent
{
    /// <summary>The schema version this record's fields follow.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Unique event id; the dedup key at every destination.</summary>
    [Id(0)] public required Guid EventId { get; init; }

    /// <summary>Trace id across systems (W3C trace id where there is one); at most 128 characters.</summary>
    [Id(1)] public string? RequestId { get; init; }

    /// <summary>The tenant the event belongs to.</summary>
    [Id(2)] public required TenantId TenantId { get; init; }

    /// <summary>Who performed the action; at most 128 characters.</summary>
    [Id(3)] public string? UserId { get; init; }

    /// <summary>The brand affected, if any.</summary>
    [Id(4)] public Guid? BrandId { get; init; }

    /// <summary>Category of the event.</summary>
    [Id(5)] public required EventCategory Category { get; init; }

    /// <summary>Dotted event type within its category, e.g. <c>ai.answer_generated</c> (see <see cref="EventTypes"/>).</summary>
    [Id(6)] public required string EventType { get; init; }

    /// <summary>Severity.</summary>
    [Id(7)] public EventSeverity Severity { get; init; } = EventSeverity.Info;

    /// <summary>Outcome.</summary>
    [Id(8)] public EventStatus Status { get; init; } = EventStatus.Success;

    /// <summary>When it happened (UTC).</summary>
    [Id(9)] public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Wall-clock duration in milliseconds.</summary>
    [Id(10)] public double? DurationMs { get; init; }

    /// <summary>CPU time in milliseconds.</summary>
    [Id(11)] public double? CpuTimeMs { get; init; }

    /// <summary>Total tokens; when absent it is the sum of the token counts given.</summary>
    [Id(12)] public long? TokensUsed { get; init; }

    /// <summary>Input (prompt) tokens, excluding cache reads and writes.</summary>
    [Id(13)] public long? TokensInput { get; init; }

    /// <summary>Output (completion) tokens.</summary>
    [Id(14)] public long? TokensOutput { get; init; }

    /// <summary>Input tokens served from the provider's prompt cache.</summary>
    [Id(15)] public long? TokensCacheRead { get; init; }

    /// <summary>Input tokens written to the provider's prompt cache.</summary>
    [Id(16)] public long? TokensCacheWrite { get; init; }

    /// <summary>Cost in USD when the caller knows it; otherwise billing prices the tokens.</summary>
    [Id(17)] public decimal? CostUsd { get; init; }

    /// <summary>Accuracy rating in [0, 1].</summary>
    [Id(18)] public double? AccuracyScore { get; init; }

    /// <summary>Whether the answer was served from cache.</summary>
    [Id(19)] public bool WasCached { get; init; }

    /// <summary>The fallback mechanism used, if any; at most 100 characters.</summary>
    [Id(20)] public string? FallbackUsed { get; init; }

    /// <summary>Error category; at most 100 characters.</summary>
    [Id(21)] public string? ErrorCode { get; init; }

    /// <summary>Error details; at most 4000 characters.</summary>
    [Id(22)] public string? ErrorMessage { get; init; }

    /// <summary>The AI model, e.g. <c>claude-3-sonnet</c>; at most 100 characters.</summary>
    [Id(23)] public string? AiModel { get; init; }

    /// <summary>The schema version of this record.</summary>
    [Id(24)] public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>
    /// For an AI event: the hard-budget reservation (<c>ITenantGrain.ReserveBudgetAsync</c>) its call was made
    /// under. The budget then counts the call once, as the larger of the reservation's committed cost and the
    /// events' recorded cost, instead of adding the two.
    /// </summary>
    [Id(25)] public Guid? BudgetReservationId { get; init; }

    /// <summary>Named string values beyond the fixed fields; at most 32, see <see cref="StructuredEventValidator"/>.</summary>
    [Id(26)] public EventAttributes? Attributes { get; init; }

    /// <summary>
    /// Of <see cref="TokensOutput"/>, the reasoning ("thinking") tokens: a part of the output count, not an addition
    /// to it (OpenAI's <c>completion_tokens_details.reasoning_tokens</c>). Billing prices them at the model's reasoning
    /// rate where it has one, else at its output rate.
    /// </summary>
    [Id(27)] public long? TokensReasoning { get; init; }
}
