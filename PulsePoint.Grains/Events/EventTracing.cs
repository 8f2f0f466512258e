using System.Diagnostics;
using PulsePoint.Tenancy;

namespace PulsePoint.Events;

/// <summary>
/// PulsePoint's own spans (activity source <c>PulsePoint</c>, the meter's name). A flush commits the appends of many
/// callers at once, so its span is a child of the oldest append's call — whose trace is the backend's, carried in by
/// Orleans' W3C activity propagation — and links every other append's call, as OpenTelemetry models batches.
/// </summary>
public static class EventTracing
{
    /// <summary>The activity source PulsePoint's spans come from.</summary>
    public const string SourceName = TenantMetrics.MeterName;

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the span of one flush of <paramref name="shard"/>; null when nobody listens.</summary>
    internal static Activity? StartFlush(int shard, int events, IReadOnlyList<ActivityContext> callers)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var traced = callers.Where(c => c != default).Distinct().ToList();
        var parent = traced.Count > 0 ? traced[0] : default;
        var links = traced.Skip(1).Select(c => new ActivityLink(c)).ToList();
        var activity = Source.StartActivity("pulsepoint.events.flush", ActivityKind.Internal, parent, links: links);
        activity?.SetTag("pulsepoint.shard", shard);
        activity?.SetTag("pulsepoint.events", events);
        activity?.SetTag("pulsepoint.appends", callers.Count);
        return activity;
    }
}
