namespace PulsePoint.Analytics;

/// <summary>
/// Latency percentiles of one API route: the event type of <c>api.lifecycle</c> events (the event schema has
/// no separate route field; services name routes as event types, e.g. <c>api.request_completed</c>).
/// Percentiles are in milliseconds over the events that have a duration, rounded to 0.001 ms; see docs/analytics.md
/// for the interpolation each warehouse uses.
/// </summary>
/// <param name="Route">The event type.</param>
/// <param name="Count">Events with a duration.</param>
/// <param name="P50Ms">Median.</param>
/// <param name="P95Ms">95th percentile.</param>
/// <param name="P99Ms">99th percentile.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.RouteLatency")]
public sealed record RouteLatency(string Route, long Count, double P50Ms, double P95Ms, double P99Ms);
