using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PulsePoint.Analytics;
using PulsePoint.Client;
using PulsePoint.Destinations;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;
using static PulsePoint.Tests.Analytics.AnalyticsEvents;

namespace PulsePoint.Tests.Analytics;

/// <summary>The stateless analytics grain on the real two-silo test cluster, reading the silos' DuckDB warehouse.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AnalyticsGrainTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset Day = new(2026, 11, 10, 0, 0, 0, TimeSpan.Zero);

    private IAnalyticsGrain Grain => fixture.Client.GetGrain<IAnalyticsGrain>(0);

    [Fact]
    public async Task AnalyticsGrain_answers_a_tenants_reports_over_the_wire()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Client);
        await using (var writer = new DuckDbWarehouse(
            Options.Create(new DuckDbOptions { Path = ClusterFixture.WarehousePath }), TimeProvider.System, NullLogger<DuckDbWarehouse>.Instance))
        {
            await writer.DeliverAsync(
                [
                    Ai(tenant, Day.AddHours(1), "gpt-4o", 10, 20, 30, 0.5m, durationMs: 100, accuracy: 0.5),
                    Api(tenant, Day.AddHours(2), "api.request_completed", 10),
                    Api(tenant, Day.AddHours(3), "api.request_completed", 30, status: PulsePoint.Events.EventStatus.Failure),
                ],
                CancellationToken.None);
        }

        var range = AnalyticsRange.Days(DateOnly.FromDateTime(Day.UtcDateTime), DateOnly.FromDateTime(Day.UtcDateTime));
        using var scope = TenantScope.Begin(tenant);
        var usage = await Grain.GetDailyModelUsageAsync(tenant, range);
        var latency = await Grain.GetLatencyAsync(tenant, range);
        var cost = await Grain.GetDailyCostAsync(tenant, range);
        var errors = await Grain.GetErrorRatesAsync(tenant, range);
        var accuracy = await Grain.GetAccuracyAsync(tenant, range);

        Assert.Equal([new DailyModelUsage(DateOnly.FromDateTime(Day.UtcDateTime), "gpt-4o", 10, 20, 30, 0.5m, 100, 1)], usage.Rows);
        Assert.Equal([new RouteLatency("api.request_completed", 2, 20, 29, 29.8)], latency.Rows);
        Assert.Equal(1000m, Assert.Single(cost.Rows).ThresholdUsd);
        Assert.Equal(1, errors.Rows.Single(r => r.EventType == "api.request_completed").Errors);
        Assert.Equal(0.5, Assert.Single(accuracy.Rows).Average);
        Assert.Equal(range, usage.Range);
    }

    [Fact]
    public async Task AnalyticsGrain_says_when_the_tenant_is_unknown()
    {
        var unknown = TenantId.New();
        using var scope = TenantScope.Begin(unknown);
        var answer = await Grain.GetDailyCostAsync(unknown, AnalyticsRange.Days(new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 2)));

        Assert.Equal(AnalyticsOutcome.UnknownTenant, answer.Outcome);
        Assert.Empty(answer.Rows);
    }

    [Fact]
    public async Task AnalyticsGrain_refuses_a_caller_in_one_tenants_scope_asking_about_another()
    {
        var mine = await TestTenants.CreateAsync(fixture.Client);
        var other = await TestTenants.CreateAsync(fixture.Client);

        using (TenantScope.Begin(mine))
        {
            await Assert.ThrowsAsync<TenantMismatchException>(
                () => Grain.GetAccuracyAsync(other, AnalyticsRange.Days(new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 2))));
            var own = await Grain.GetAccuracyAsync(mine, AnalyticsRange.Days(new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 2)));
            Assert.Equal(AnalyticsOutcome.NoEvents, own.Outcome);
        }
    }
}
