using PulsePoint.Analytics;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.Analytics;

/// <summary>
/// Thousands of events from a fixed seed, two tenants with identical event types and days; every figure of every
/// report is recomputed here from the events (percentiles with quantile_cont's documented interpolation) and must match.
/// </summary>
public sealed class SeededAnalyticsTests
{
    private const int Seed = 20261126;
    private static readonly DateTimeOffset Start = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Models = ["claude-3-sonnet", "claude-3-haiku", "gpt-4o"];
    private static readonly string[] Routes = ["api.request_completed", "api.brands_listed", "api.orders_exported"];

    [Fact]
    public async Task Every_report_matches_figures_recomputed_from_the_seeded_events()
    {
        await using var store = await AnalyticsTestWarehouse.CreateAsync();
        var a = await store.CreateTenantAsync("Seeded A", 2.5m);
        var b = await store.CreateTenantAsync("Seeded B", 2.5m);
        var random = new Random(Seed);
        var events = Generate(a, random, 3000).Concat(Generate(b, random, 3000)).ToList();
        foreach (var batch in events.Chunk(500))
        {
            await store.Warehouse.DeliverAsync(batch, CancellationToken.None);
        }

        // Ten days out of the fourteen generated: the edges must cut exactly.
        var range = AnalyticsRange.Days(new DateOnly(2026, 10, 3), new DateOnly(2026, 10, 12));
        var mine = events.Where(e => e.TenantId == a && e.Timestamp >= range.From && e.Timestamp < range.To).ToList();

        Assert.Equal(ExpectedUsage(mine), (await store.Analytics.DailyModelUsageAsync(a, range)).Rows);
        Assert.Equal(ExpectedAccuracy(mine), (await store.Analytics.AccuracyAsync(a, range)).Rows);
        Assert.Equal(ExpectedLatency(mine), (await store.Analytics.LatencyAsync(a, range)).Rows);
        Assert.Equal(ExpectedCost(mine, 2.5m), (await store.Analytics.DailyCostAsync(a, range)).Rows);
        Assert.Equal(ExpectedErrors(mine), (await store.Analytics.ErrorRatesAsync(a, range)).Rows);
    }

    /// <summary>quantile_cont: position h = (n - 1)·p over the sorted values, linear between the ranks around it; rounded to 0.001.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        var h = (sorted.Count - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return Math.Round(sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]), 3, MidpointRounding.AwayFromZero);
    }

    private static IEnumerable<StructuredEvent> Generate(TenantId tenant, Random random, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var at = Start.AddSeconds(random.Next(0, 14 * 86400));
            var ai = random.Next(2) == 0;
            var failed = random.Next(10) == 0;
            yield return new StructuredEvent
            {
                EventId = Guid.NewGuid(),
                TenantId = tenant,
                Category = ai ? EventCategory.AiOperations : EventCategory.ApiLifecycle,
                EventType = ai ? EventTypes.AiAnswerGenerated : Routes[random.Next(Routes.Length)],
                Timestamp = at,
                Status = failed ? EventStatus.Failure : EventStatus.Success,
                Severity = random.Next(20) == 0 ? EventSeverity.Critical : EventSeverity.Info,
                // Whole milliseconds, scores in eighths and costs in 1/10000 USD keep every sum exact in binary and decimal.
                DurationMs = random.Next(8) == 0 ? null : random.Next(1, 2000),
                AccuracyScore = random.Next(3) == 0 ? null : random.Next(0, 9) / 8.0,
                AiModel = ai ? Models[random.Next(Models.Length)] : null,
                TokensInput = ai ? random.Next(1, 5000) : null,
                TokensOutput = ai ? random.Next(1, 2000) : null,
                TokensUsed = ai && random.Next(2) == 0 ? random.Next(1, 9000) : null,
                TokensCacheRead = ai ? random.Next(0, 100) : null,
                CostUsd = ai ? random.Next(1, 500) / 10000m : null,
            };
        }
    }

    private static DateOnly Day(StructuredEvent e) => DateOnly.FromDateTime(e.Timestamp.UtcDateTime);

    private static List<DailyModelUsage> ExpectedUsage(List<StructuredEvent> events) =>
        events.Where(e => e.Category == EventCategory.AiOperations)
            .GroupBy(e => (Day: Day(e), e.AiModel))
            .OrderBy(g => g.Key.Day).ThenBy(g => g.Key.AiModel, StringComparer.Ordinal)
            .Select(g => new DailyModelUsage(
                g.Key.Day, g.Key.AiModel,
                g.Sum(e => e.TokensInput ?? 0), g.Sum(e => e.TokensOutput ?? 0),
                g.Sum(e => e.TokensUsed ?? (e.TokensInput ?? 0) + (e.TokensOutput ?? 0) + (e.TokensCacheRead ?? 0) + (e.TokensCacheWrite ?? 0)),
                g.Sum(e => e.CostUsd ?? 0),
                g.Any(e => e.DurationMs is not null) ? g.Where(e => e.DurationMs is not null).Sum(e => e.DurationMs!.Value) / g.Count(e => e.DurationMs is not null) : null,
                g.Count()))
            .ToList();

    private static List<EventTypeAccuracy> ExpectedAccuracy(List<StructuredEvent> events) =>
        events.Where(e => e.AccuracyScore is not null)
            .GroupBy(e => e.EventType)
            .Select(g => new EventTypeAccuracy(g.Key, g.Count(), g.Sum(e => e.AccuracyScore!.Value) / g.Count(), g.Min(e => e.AccuracyScore!.Value), g.Max(e => e.AccuracyScore!.Value)))
            .OrderByDescending(r => r.Count).ThenBy(r => r.EventType, StringComparer.Ordinal)
            .ToList();

    private static List<RouteLatency> ExpectedLatency(List<StructuredEvent> events) =>
        events.Where(e => e.Category == EventCategory.ApiLifecycle && e.DurationMs is not null)
            .GroupBy(e => e.EventType)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var sorted = g.Select(e => e.DurationMs!.Value).Order().ToList();
                return new RouteLatency(g.Key, sorted.Count, Percentile(sorted, 0.50), Percentile(sorted, 0.95), Percentile(sorted, 0.99));
            })
            .ToList();

    private static List<DailyCost> ExpectedCost(List<StructuredEvent> events, decimal threshold) =>
        events.Where(e => e.CostUsd is not null)
            .GroupBy(Day)
            .OrderBy(g => g.Key)
            .Select(g => new DailyCost(g.Key, g.Sum(e => e.CostUsd!.Value), threshold, g.Count()))
            .ToList();

    private static List<EventTypeErrorRate> ExpectedErrors(List<StructuredEvent> events) =>
        events.GroupBy(e => e.EventType)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new EventTypeErrorRate(g.Key, g.Count(), g.Count(e => e.Status == EventStatus.Failure || e.Severity is EventSeverity.Error or EventSeverity.Critical)))
            .ToList();
}
