using PulsePoint.Analytics;
using PulsePoint.Events;
using PulsePoint.Tenancy;
using static PulsePoint.Tests.Analytics.AnalyticsEvents;

namespace PulsePoint.Tests.Analytics;

/// <summary>
/// Every report on a real DuckDB warehouse written through the warehouse writer, with hand-computed figures:
/// tenant A's numbers below are what the report must say exactly, whatever tenant B stores beside them.
/// </summary>
public sealed class DuckDbAnalyticsTests : IAsyncLifetime
{
    private const string Listed = "api.brands_listed";
    private const string Completed = EventTypes.ApiRequestCompleted;
    private static readonly DateOnly Day1 = new(2026, 11, 2);
    private static readonly DateOnly Day2 = new(2026, 11, 3);
    private static readonly DateTimeOffset D1 = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset D2 = D1.AddDays(1);
    private static readonly DateTimeOffset D3 = D1.AddDays(2);

    private AnalyticsTestWarehouse _store = null!;
    private TenantId _a;
    private TenantId _b;

    private static AnalyticsRange TwoDays => AnalyticsRange.Days(Day1, Day2);

    public async Task InitializeAsync()
    {
        _store = await AnalyticsTestWarehouse.CreateAsync();
        _a = await _store.CreateTenantAsync("Analytics A", threshold: 0.04m);
        _b = await _store.CreateTenantAsync("Analytics B");
        StructuredEvent[] a =
        [
            Ai(_a, D1, "claude-3-sonnet", 1000, 400, 1400, 0.012m, durationMs: 100, accuracy: 0.75),
            // No total: it counts input + output + cache read + cache write = 2650.
            Ai(_a, D1.AddHours(11), "claude-3-sonnet", 2000, 600, null, 0.030m, durationMs: 300, accuracy: 1.0, cacheRead: 50),
            Ai(_a, D1.AddHours(12), "gpt-4o", 500, 100, 600, 0.005m, durationMs: null, accuracy: 0.5),
            Ai(_a, D2.AddHours(9), "claude-3-sonnet", 100, 50, 150, 0.0015m, durationMs: 50, status: EventStatus.Failure),
            // Two hours east of UTC: still day 2 in UTC.
            Ai(_a, D3.AddSeconds(-1).ToOffset(TimeSpan.FromHours(2)), "gpt-4o", 10, 5, 15, 0.0001m, durationMs: 20, accuracy: 0.25),
            // Outside [day 1, day 2]: the range end is exclusive, the start inclusive.
            Ai(_a, D3, "claude-3-sonnet", 9999, 9999, 9999, 9m, durationMs: 9999, accuracy: 0),
            Ai(_a, D1.AddTicks(-10), "claude-3-sonnet", 9999, 9999, 9999, 9m, durationMs: 9999, accuracy: 0),
            Api(_a, D1.AddHours(1), Completed, 10),
            Api(_a, D1.AddHours(2), Completed, 20),
            Api(_a, D1.AddHours(3), Completed, 30, status: EventStatus.Failure),
            Api(_a, D1.AddHours(4), Completed, 40),
            Api(_a, D1.AddHours(5), Completed, 50),
            Api(_a, D1.AddHours(6), Completed, null, severity: EventSeverity.Error),
            Api(_a, D2.AddHours(1), Listed, 7, accuracy: 0.875),
        ];
        // Tenant B: the same event types on the same days, with values that would change every figure of A's.
        StructuredEvent[] b =
        [
            Ai(_b, D1.AddHours(11), "claude-3-sonnet", 77777, 7777, 85554, 5m, durationMs: 5000, accuracy: 0),
            Ai(_b, D2.AddHours(9), "gpt-4o", 1, 1, 2, 0.25m, durationMs: 1, accuracy: 0.125, status: EventStatus.Failure),
            Api(_b, D1.AddHours(1), Completed, 9999, status: EventStatus.Failure),
            Api(_b, D2.AddHours(1), Listed, 1, severity: EventSeverity.Critical, accuracy: 0.0625),
        ];
        await _store.Warehouse.DeliverAsync([.. a, .. b], CancellationToken.None);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task DailyModelUsage_sums_tokens_cost_and_duration_per_day_and_model()
    {
        var answer = await _store.Analytics.DailyModelUsageAsync(_a, TwoDays);

        Assert.Equal(AnalyticsOutcome.Rows, answer.Outcome);
        Assert.Equal(
            [
                new DailyModelUsage(Day1, "claude-3-sonnet", 3000, 1000, 4050, 0.042m, 200, 2),
                new DailyModelUsage(Day1, "gpt-4o", 500, 100, 600, 0.005m, null, 1),
                new DailyModelUsage(Day2, "claude-3-sonnet", 100, 50, 150, 0.0015m, 50, 1),
                new DailyModelUsage(Day2, "gpt-4o", 10, 5, 15, 0.0001m, 20, 1),
            ],
            answer.Rows);
    }

    [Fact]
    public async Task Accuracy_counts_only_scored_events_per_event_type()
    {
        var answer = await _store.Analytics.AccuracyAsync(_a, TwoDays);

        Assert.Equal(
            [
                new EventTypeAccuracy(EventTypes.AiAnswerGenerated, 4, 0.625, 0.25, 1.0),
                new EventTypeAccuracy(Listed, 1, 0.875, 0.875, 0.875),
            ],
            answer.Rows);
    }

    [Fact]
    public async Task Latency_percentiles_interpolate_linearly_between_nearest_ranks()
    {
        var answer = await _store.Analytics.LatencyAsync(_a, TwoDays);

        // [10, 20, 30, 40, 50]: position (n-1)p = 2 → 30; 3.8 → 40 + 0.8·10 = 48; 3.96 → 40 + 0.96·10 = 49.6.
        // The event without a duration is not counted.
        Assert.Equal(
            [
                new RouteLatency(Listed, 1, 7, 7, 7),
                new RouteLatency(Completed, 5, 30, 48, 49.6),
            ],
            answer.Rows);
    }

    [Fact]
    public async Task DailyCost_sums_the_AI_events_cost_per_utc_day_against_the_tenants_threshold()
    {
        var a = await _store.Analytics.DailyCostAsync(_a, TwoDays);
        var b = await _store.Analytics.DailyCostAsync(_b, TwoDays);

        Assert.Equal([new DailyCost(Day1, 0.047m, 0.04m, 3), new DailyCost(Day2, 0.0016m, 0.04m, 2)], a.Rows);
        Assert.True(a.Rows[0].OverThreshold);
        Assert.False(a.Rows[1].OverThreshold);
        // B has no threshold of its own: the configured default (1000) applies.
        Assert.Equal([new DailyCost(Day1, 5m, 1000m, 1), new DailyCost(Day2, 0.25m, 1000m, 1)], b.Rows);
    }

    [Fact]
    public async Task DailyCost_is_billed_AI_spend_a_cost_alerts_level_and_a_requests_cost_are_not_summed()
    {
        var tenant = await _store.CreateTenantAsync("Analytics spend", threshold: 0.01m);
        // Twelve decimals, as the ledger prices them.
        StructuredEvent[] ai =
        [
            Ai(tenant, D1.AddHours(1), "gpt-4o-mini", 1_234, 7_321, null, 0.004578025000m),
            Ai(tenant, D1.AddHours(2), "claude-3-sonnet", 1, 0, null, 0.000003000001m),
        ];
        StructuredEvent[] notSpend =
        [
            // A cost alert as it was once written, with the level of spend in cost_usd: it must not count.
            new()
            {
                EventId = Guid.NewGuid(), TenantId = tenant, Category = EventCategory.Billing, EventType = EventTypes.CostAlert,
                Severity = EventSeverity.Warning, Timestamp = D1.AddHours(3), CostUsd = 0.004581025001m,
            },
            Api(tenant, D1.AddHours(4), Completed, 12) with { CostUsd = 0.5m },
        ];
        await _store.Warehouse.DeliverAsync([.. ai, .. notSpend], CancellationToken.None);

        var cost = await _store.Analytics.DailyCostAsync(tenant, TwoDays);

        Assert.Equal([new DailyCost(Day1, 0.004581025001m, 0.01m, 2)], cost.Rows);
    }

    [Fact]
    public async Task ErrorRates_count_failures_and_error_severities_per_event_type()
    {
        var answer = await _store.Analytics.ErrorRatesAsync(_a, TwoDays);

        Assert.Equal(
            [
                new EventTypeErrorRate(EventTypes.AiAnswerGenerated, 5, 1),
                new EventTypeErrorRate(Listed, 1, 0),
                new EventTypeErrorRate(Completed, 6, 2),
            ],
            answer.Rows);
        Assert.Equal(2.0 / 6, answer.Rows[2].Rate);
    }

    [Fact]
    public async Task Tenant_B_reports_only_its_own_events_on_the_same_days_and_types()
    {
        var usage = await _store.Analytics.DailyModelUsageAsync(_b, TwoDays);
        var accuracy = await _store.Analytics.AccuracyAsync(_b, TwoDays);
        var latency = await _store.Analytics.LatencyAsync(_b, TwoDays);
        var errors = await _store.Analytics.ErrorRatesAsync(_b, TwoDays);

        Assert.Equal(
            [
                new DailyModelUsage(Day1, "claude-3-sonnet", 77777, 7777, 85554, 5m, 5000, 1),
                new DailyModelUsage(Day2, "gpt-4o", 1, 1, 2, 0.25m, 1, 1),
            ],
            usage.Rows);
        Assert.Equal(
            [
                new EventTypeAccuracy(EventTypes.AiAnswerGenerated, 2, 0.0625, 0, 0.125),
                new EventTypeAccuracy(Listed, 1, 0.0625, 0.0625, 0.0625),
            ],
            accuracy.Rows);
        Assert.Equal([new RouteLatency(Listed, 1, 1, 1, 1), new RouteLatency(Completed, 1, 9999, 9999, 9999)], latency.Rows);
        Assert.Equal(
            [
                new EventTypeErrorRate(EventTypes.AiAnswerGenerated, 2, 1),
                new EventTypeErrorRate(Listed, 1, 1),
                new EventTypeErrorRate(Completed, 1, 1),
            ],
            errors.Rows);
    }

    [Fact]
    public async Task An_empty_range_answers_no_events_without_querying()
    {
        var answer = await _store.Analytics.LatencyAsync(_a, new AnalyticsRange(D1, D1));

        Assert.Equal(AnalyticsOutcome.NoEvents, answer.Outcome);
        Assert.Empty(answer.Rows);
        Assert.Contains("has no matching events", answer.Explanation);
    }

    [Fact]
    public async Task A_range_without_events_answers_no_events()
    {
        var answer = await _store.Analytics.DailyCostAsync(_a, AnalyticsRange.Days(new DateOnly(2020, 1, 1), new DateOnly(2020, 1, 31)));

        Assert.Equal(AnalyticsOutcome.NoEvents, answer.Outcome);
        Assert.Empty(answer.Rows);
    }

    [Fact]
    public async Task An_unknown_tenant_is_answered_as_unknown_not_as_empty()
    {
        var stranger = TenantId.New();

        var answer = await _store.Analytics.DailyModelUsageAsync(stranger, TwoDays);

        Assert.Equal(AnalyticsOutcome.UnknownTenant, answer.Outcome);
        Assert.Equal($"no tenant has the id {stranger}", answer.Explanation);
    }

    [Fact]
    public void An_inverted_range_is_refused_with_a_specific_message()
    {
        var days = Assert.Throws<InvalidAnalyticsRangeException>(() => AnalyticsRange.Days(Day2, Day1));
        var instants = Assert.Throws<InvalidAnalyticsRangeException>(() => new AnalyticsRange(D2, D1));

        Assert.Equal("the range is inverted: it starts 2026-11-03, after its last day 2026-11-02; swap --from and --to", days.Message);
        Assert.StartsWith("the range is inverted", instants.Message);
        Assert.Throws<InvalidAnalyticsRangeException>(() => new AnalyticsRange(D1, D1.AddYears(9)));
    }
}
