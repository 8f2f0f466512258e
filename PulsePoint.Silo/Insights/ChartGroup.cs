namespace PulsePoint.Silo.Insights;

/// <summary>A labelled slot on a chart's x axis (a day, a route, an event type) and its bars.</summary>
public sealed record ChartGroup(string Label, IReadOnlyList<ChartSegment> Segments);
