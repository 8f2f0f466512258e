namespace PulsePoint.Events;

/// <summary>Which of a tenant's real-time events a subscriber receives.</summary>
[GenerateSerializer, Immutable, Alias("PulsePoint.EventFilter")]
public sealed record EventFilter
{
    /// <summary>Every event of the tenant.</summary>
    public static readonly EventFilter All = new();

    /// <summary>The categories to receive; null or empty means all.</summary>
    [Id(0)] public IReadOnlyList<EventCategory>? Categories { get; init; }

    /// <summary>The lowest severity to receive, e.g. <see cref="EventSeverity.Error"/> for errors and critical events.</summary>
    [Id(1)] public EventSeverity MinimumSeverity { get; init; } = EventSeverity.Debug;

    /// <summary>True when <paramref name="structuredEvent"/> passes this filter.</summary>
    public bool Matches(StructuredEvent structuredEvent) =>
        structuredEvent.Severity >= MinimumSeverity
        && (Categories is not { Count: > 0 } categories || categories.Contains(structuredEvent.Category));
}
