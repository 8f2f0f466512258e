namespace PulsePoint.Silo.Insights;

/// <summary>One bar of a chart group (or one part of a stacked bar): its series, value and the <c>data-*</c> attributes that identify it.</summary>
public sealed record ChartSegment(string Series, double Value, IReadOnlyDictionary<string, object> Attributes);
