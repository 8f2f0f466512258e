namespace PulsePoint.Events;

/// <summary>The wire names of the event enums, as stored in PostgreSQL and sent to every destination.</summary>
public static class EventNames
{
    /// <summary>The wire name of a category, e.g. <c>ai.operations</c>.</summary>
    public static string Of(EventCategory category) => category switch
    {
        EventCategory.ApiLifecycle => "api.lifecycle",
        EventCategory.UserInteraction => "user.interaction",
        EventCategory.AiOperations => "ai.operations",
        EventCategory.DataSync => "data.sync",
        EventCategory.Security => "security",
        EventCategory.System => "system",
        EventCategory.Billing => "billing",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "Unknown event category."),
    };

    /// <summary>The wire name of a severity, e.g. <c>warning</c>.</summary>
    public static string Of(EventSeverity severity) => severity switch
    {
        EventSeverity.Debug => "debug",
        EventSeverity.Info => "info",
        EventSeverity.Warning => "warning",
        EventSeverity.Error => "error",
        EventSeverity.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, "Unknown event severity."),
    };

    /// <summary>The wire name of a status, e.g. <c>success</c>.</summary>
    public static string Of(EventStatus status) => status switch
    {
        EventStatus.Success => "success",
        EventStatus.Failure => "failure",
        EventStatus.Partial => "partial",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown event status."),
    };

    /// <summary>Parses a category wire name; null when unknown.</summary>
    public static EventCategory? ParseCategory(string? name) =>
        Enum.GetValues<EventCategory>().Where(c => Of(c) == name).Select(c => (EventCategory?)c).FirstOrDefault();

    /// <summary>Parses a severity wire name; null when unknown.</summary>
    public static EventSeverity? ParseSeverity(string? name) =>
        Enum.GetValues<EventSeverity>().Where(s => Of(s) == name).Select(s => (EventSeverity?)s).FirstOrDefault();

    /// <summary>Parses a status wire name; null when unknown.</summary>
    public static EventStatus? ParseStatus(string? name) =>
        Enum.GetValues<EventStatus>().Where(s => Of(s) == name).Select(s => (EventStatus?)s).FirstOrDefault();
}
