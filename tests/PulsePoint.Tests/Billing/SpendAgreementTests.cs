using PulsePoint.Analytics;
using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Events;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Billing;

/// <summary>
/// One meaning of spend on every surface: what the ledger billed for AI events. A cost alert reports a
/// level of spend and a non-AI event may carry a caller's cost; neither is spend. On the real 2-silo
/// cluster, with the real DuckDB warehouse the relay fills.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SpendAgreementTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Spend_after_three_cost_alerts_and_a_costed_request_is_the_ledgers_on_every_surface()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Client);
        var grain = fixture.Client.GetGrain<ITenantBillingGrain>(tenant.Value);
        using var scope = TenantScope.Begin(tenant);
        await TestTenants.SetDailyCostThresholdAsync(fixture.Client, tenant, 1.00m);

        // Priced from the shipped catalog, computed here by hand: 6 × 66,000 input tokens of claude-3-sonnet
        // at $3 per million ($0.198 each), and one gpt-4o-mini call: 1,234 in at $0.15, 7,321 out at $0.60,
        // 999 cache reads at $0.075 per million.
        const decimal expected = 6 * 0.198m + 0.0001851m + 0.0043926m + 0.000074925m;
        var ai = Enumerable.Range(0, 6)
            .Select(_ => fixture.Events.AiGeneration("claude-3-sonnet", 66_000, 0, TimeSpan.FromMilliseconds(300)))
            .Append(fixture.Events.AiGeneration("gpt-4o-mini", 1_234, 7_321, TimeSpan.FromMilliseconds(200), new AiGenerationDetails { TokensCacheRead = 999 }))
            .ToArray();
        foreach (var e in ai)
        {
            Assert.Equal(EventAppendOutcome.Stored, await fixture.Events.TrackAsync(e));
        }

        // A request the caller says cost something: stored as given, not billed.
        var costed = TestEvents.Request(tenant) with { CostUsd = 0.5m };
        Assert.Equal(EventAppendOutcome.Stored, await fixture.Events.TrackAsync(costed));

        // 1.19 USD of a 1.00 threshold: the 50, 80 and 100 % alerts are stored and reach the warehouse.
        Assert.True(await TestEvents.EventuallyAsync(async () =>
            await TestEvents.ScalarAsync<long>("select count(*) from observability_events where tenant_id = $1 and event_type = $2", tenant.Value, EventTypes.CostAlert) == 3,
            Patience), "the three cost alerts were not stored");
        Assert.Null(await TestEvents.ScalarAsync<object>(
            "select max(cost_usd) from observability_events where tenant_id = $1 and event_type = $2", tenant.Value, EventTypes.CostAlert) as decimal?);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var range = AnalyticsRange.Days(today, today);
        var analytics = fixture.Client.GetGrain<IAnalyticsGrain>(0);
        Assert.True(await TestEvents.EventuallyAsync(async () =>
        {
            var types = (await analytics.GetErrorRatesAsync(tenant, range)).Rows.ToDictionary(r => r.EventType, r => r.Events);
            return types.GetValueOrDefault(EventTypes.CostAlert) == 3 && types.GetValueOrDefault(EventTypes.AiAnswerGenerated) == ai.Length
                && types.GetValueOrDefault(costed.EventType) == 1;
        }, Patience), "the warehouse did not receive every event");

        // The ledger, the event store's AI costs, the counters, the usage report and the warehouse's cost report.
        Assert.Equal(expected, await TestEvents.ScalarAsync<decimal>("select sum(total_cost_usd) from ai_token_usage where tenant_id = $1", tenant.Value));
        Assert.Equal(expected, await TestEvents.ScalarAsync<decimal>(
            "select sum(cost_usd) from observability_events where tenant_id = $1 and category = 'ai.operations'", tenant.Value));
        Assert.True(await TestEvents.EventuallyAsync(async () => (await grain.GetCostCountersAsync()).CostUsd == expected, Patience),
            $"the counters say {(await grain.GetCostCountersAsync()).CostUsd}, not {expected}");
        Assert.Equal(expected, (await fixture.Client.GetGrain<IUsageReportGrain>(tenant.Value).GetUsageReportAsync(today, today)).Rows.Sum(r => r.CostUsd));
        var cost = Assert.Single((await analytics.GetDailyCostAsync(tenant, range)).Rows);
        Assert.Equal((expected, (long)ai.Length), (cost.CostUsd, cost.Events));
        Assert.Equal(expected, (await analytics.GetDailyModelUsageAsync(tenant, range)).Rows.Sum(r => r.CostUsd));

        // The alerts the billing grain raised, with the threshold they were measured against.
        var raised = (await grain.GetCostCountersAsync()).AlertsToday;
        Assert.Equal([0.5m, 0.8m, 1.0m], raised.Select(a => a.Fraction));
        Assert.All(raised, a => Assert.Equal(1.00m, a.ThresholdUsd));
    }
}
