using PulsePoint.Analytics;

namespace PulsePoint.Silo.Insights;

/// <summary>What the page draws: the range's usage, latency and accuracy, and today's spend against the threshold.</summary>
public sealed record InsightsData(
    AnalyticsAnswer<DailyModelUsage> Usage,
    AnalyticsAnswer<RouteLatency> Latency,
    AnalyticsAnswer<EventTypeAccuracy> Accuracy,
    AnalyticsAnswer<DailyCost> Today,
    decimal? ThresholdUsd,
    DateOnly TodayDate);
