using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Client;

/// <summary>The optional facts of one AI call that <see cref="EventTracker.TrackAiGenerationAsync"/> records.</summary>
public sealed record AiGenerationDetails
{
    /// <summary>No details: the ambient tenant, the current trace id, billing prices the tokens.</summary>
    public static AiGenerationDetails None { get; } = new();

    /// <summary>Input tokens served from the provider's prompt cache.</summary>
    public long? TokensCacheRead { get; init; }

    /// <summary>Input tokens written to the provider's prompt cache.</summary>
    public long? TokensCacheWrite { get; init; }

    /// <summary>Of the output tokens, those the model spent reasoning (a part of <c>tokensOutput</c>, not added to it).</summary>
    public long? TokensReasoning { get; init; }

    /// <summary>The cost when the caller knows it (at most 12 decimal places); null lets billing price the tokens from its catalog.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>Accuracy rating in [0, 1], if rated.</summary>
    public double? AccuracyScore { get; init; }

    /// <summary>True when the answer came from a cache.</summary>
    public bool WasCached { get; init; }

    /// <summary>The fallback used (e.g. a smaller model), if any; the event's status is then <c>partial</c>.</summary>
    public string? FallbackUsed { get; init; }

    /// <summary>The event type (<c>ai.</c> prefix); default <see cref="EventTypes.AiAnswerGenerated"/>.</summary>
    public string EventType { get; init; } = EventTypes.AiAnswerGenerated;

    /// <summary>The tenant; default the ambient <see cref="TenantScope"/>.</summary>
    public TenantId? Tenant { get; init; }

    /// <summary>The brand concerned, if any.</summary>
    public Guid? BrandId { get; init; }

    /// <summary>Who asked, if known.</summary>
    public string? UserId { get; init; }

    /// <summary>Trace id; default the W3C trace id of the current activity.</summary>
    public string? RequestId { get; init; }

    /// <summary>The feature of your product that made the call (the event's <c>feature</c> attribute): its spend limits count it.</summary>
    public string? Feature { get; init; }

    /// <summary>
    /// The hard-budget reservation the call was made under (<c>ITenantBillingGrain.ReserveBudgetAsync</c>), if any:
    /// the budget then counts the call once, not once for the commit and again for this event.
    /// </summary>
    public Guid? BudgetReservationId { get; init; }
}
