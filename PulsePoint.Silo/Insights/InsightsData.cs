using PulsePoint.Alerts;
using PulsePoint.Analytics;

namespace PulsePoint.Silo.Insights;

/// <summary>
/// What the page draws: the range's usage, latency and accuracy, today's spend against the threshold, and how the
/// tenant's alert channels and recent deliveries stand (null where the host has no alert delivery).
/// </summary>
public sealed record InsightsData(
    AnalyticsAnswer<DailyModelUsage> Usage,
    AnalyticsAnswer<RouteLatency> Latency,
    AnalyticsAnswer<EventTypeAccuracy> Accuracy,
    AnalyticsAnswer<DailyCost> Today,
    decimal? ThresholdUsd,
    DateOnly TodayDate,
    IReadOnlyList<AlertChannelInfo>? Channels = null,
    IReadOnlyList<AlertDeliveryStatus>? Deliveries = null);
