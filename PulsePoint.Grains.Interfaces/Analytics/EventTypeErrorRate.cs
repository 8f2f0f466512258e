namespace PulsePoint.Analytics;

/// <summary>
/// How often one event type failed. An event is an error when its status is <c>failure</c> or its severity is
/// <c>error</c> or <c>critical</c>.
/// </summary>
/// <param name="EventType">The event type.</param>
/// <param name="Events">All its events.</param>
/// <param name="Errors">Its errors.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.EventTypeErrorRate")]
public sealed record EventTypeErrorRate(string EventType, long Events, long Errors)
{
    /// <summary>Errors divided by events, in [0, 1].</summary>
    public double Rate => Events == 0 ? 0 : (double)Errors / Events;
}
