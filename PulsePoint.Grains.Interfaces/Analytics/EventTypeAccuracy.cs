namespace PulsePoint.Analytics;

/// <summary>Accuracy of one event type, over the events that carry an accuracy score.</summary>
/// <param name="EventType">The event type.</param>
/// <param name="Count">Events with a score.</param>
/// <param name="Average">Average score.</param>
/// <param name="Min">Lowest score.</param>
/// <param name="Max">Highest score.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.EventTypeAccuracy")]
public sealed record EventTypeAccuracy(string EventType, long Count, double Average, double Min, double Max);
