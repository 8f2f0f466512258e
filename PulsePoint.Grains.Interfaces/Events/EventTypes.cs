namespace PulsePoint.Events;

/// <summary>
/// The one list of event types PulsePoint itself emits, and the dotted prefixes each category allows.
/// Callers may define further types, as long as they have the dotted shape and a prefix of their category.
/// </summary>
public static class EventTypes
{
    /// <summary>An HTTP request finished (any status).</summary>
    public const string ApiRequestCompleted = "api.request_completed";

    /// <summary>A user action.</summary>
    public const string UserAction = "user.action";

    /// <summary>An AI answer was generated.</summary>
    public const string AiAnswerGenerated = "ai.answer_generated";

    /// <summary>A data synchronisation job ran.</summary>
    public const string SyncCompleted = "sync.completed";

    /// <summary>A security-relevant event (login, denied access, ...).</summary>
    public const string SecurityEvent = "security.event";

    /// <summary>An error in the system (ERROR or CRITICAL).</summary>
    public const string SystemError = "system.error";

    /// <summary>A tenant's daily spend crossed a threshold fraction.</summary>
    public const string CostAlert = "cost.alert";

    /// <summary>An AI event named a model the pricing catalog does not know; it was stored unpriced.</summary>
    public const string CostUnpriced = "cost.unpriced";

    /// <summary>The dotted prefixes an event type of each category may start with.</summary>
    public static IReadOnlyList<string> PrefixesOf(EventCategory category) => category switch
    {
        EventCategory.ApiLifecycle => ["api."],
        EventCategory.UserInteraction => ["user."],
        EventCategory.AiOperations => ["ai."],
        EventCategory.DataSync => ["sync.", "data."],
        EventCategory.Security => ["security.", "auth."],
        EventCategory.System => ["system."],
        EventCategory.Billing => ["cost.", "billing."],
        _ => [],
    };
}
