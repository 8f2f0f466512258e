using Orleans.Core.Internal;
using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Events;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Billing;

/// <summary>
/// Billing through the real event sink on the 2-silo test cluster: usage rows written in the event
/// batch's transaction, the tenant grain's counters fed after the commit, cost alerts and unpriced
/// warnings stored and relayed like every other event.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SinkBillingTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private EventTracker Events => fixture.Events;

    [Fact]
    public async Task SinkBilling_same_AI_event_three_times_and_across_sink_reactivation_is_one_usage_row()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Client);
        var e = TestEvents.Answer(tenant) with { CostUsd = null };   // priced from the catalog: 1200 in, 300 out on claude-3-sonnet

        Assert.Equal(EventAppendOutcome.Stored, await Events.TrackAsync(e));
        Assert.Equal(EventAppendOutcome.AlreadyStored, await Events.TrackAsync(e));
        var sink = fixture.Client.GetGrain<IEventSinkGrain>(EventShards.Of(tenant, ClusterFixture.EventShards));
        await TestGrains.DeactivateAsync(fixture.Client, sink);
        Assert.Equal(EventAppendOutcome.AlreadyStored, await Events.TrackAsync(e));

        Assert.Equal(1L, await TestEvents.ScalarAsync<long>("select count(*) from ai_token_usage where tenant_id = $1", tenant.Value));
        // 1,200 × $3 + 300 × $15 per million tokens.
        var expected = 0.0081m;
        Assert.Equal(expected, await TestEvents.ScalarAsync<decimal>("select total_cost_usd from ai_token_usage where event_id = $1", e.EventId));
        // The stored event carries the catalog's cost too, so warehouse cost reports agree with billing.
        Assert.Equal(expected, await TestEvents.ScalarAsync<decimal>("select cost_usd from observability_events where event_id = $1", e.EventId));

        var grain = fixture.Client.GetGrain<ITenantBillingGrain>(tenant.Value);
        CostCounters? counters = null;
        Assert.True(await TestEvents.EventuallyAsync(async () =>
        {
            using (TenantScope.Begin(tenant))
            {
                counters = await grain.GetCostCountersAsync();
            }

            return counters.Events > 0;
        }, Patience), "the tenant grain's counters never saw the committed usage");
        Assert.Equal(1, counters!.Events);
        Assert.Equal(1500, counters.TotalTokens);
        Assert.Equal(expected, counters.CostUsd);

        // A new activation loads the same counters from ai_token_usage.
        await TestGrains.DeactivateAsync(fixture.Client, grain);
        using (TenantScope.Begin(tenant))
        {
            var reloaded = await grain.GetCostCountersAsync();
            Assert.Equal(1, reloaded.Events);
            Assert.Equal(expected, reloaded.CostUsd);
        }
    }

    [Fact]
    public async Task SinkBilling_batches_with_a_retried_event_or_a_foreign_brand_bill_each_new_event_once()
    {
        await using var app = TestDatabase.CreateDataSource(TestDatabase.Application);
        var (tenant, brand) = await TenantRows.CreateTenantWithBrandAsync(new TenantDatabase(app, TestDatabase.TenantContext), "Billed brands");
        var own = TestEvents.Answer(tenant) with { BrandId = brand };
        var foreign = TestEvents.Answer(tenant) with { BrandId = Guid.NewGuid() };
        var ownToo = TestEvents.Answer(tenant) with { BrandId = brand };
        var later = TestEvents.Answer(tenant);

        // Every id new: all of it in one go.
        Assert.Equal([EventAppendOutcome.Stored], (await Events.TrackBatchAsync(tenant, [own])).Select(r => r.Outcome));
        // A brand the tenant does not have cannot be a usage row's brand: billed without it, its neighbour with its own.
        Assert.Equal(
            [EventAppendOutcome.Stored, EventAppendOutcome.Stored],
            (await Events.TrackBatchAsync(tenant, [foreign, ownToo])).Select(r => r.Outcome));
        // A retry beside a new event: the retry is recognised, the new one stored and billed.
        Assert.Equal(
            [EventAppendOutcome.AlreadyStored, EventAppendOutcome.Stored],
            (await Events.TrackBatchAsync(tenant, [own, later])).Select(r => r.Outcome));

        foreach (var (e, billedBrand) in new[] { (own, (Guid?)brand), (foreign, null), (ownToo, brand), (later, null) })
        {
            Assert.Equal(1L, await TestEvents.ScalarAsync<long>("select count(*) from observability_events where tenant_id = $1 and event_id = $2", tenant.Value, e.EventId));
            Assert.Equal(1L, await TestEvents.ScalarAsync<long>("select count(*) from ai_token_usage where tenant_id = $1 and event_id = $2", tenant.Value, e.EventId));
            var stored = await TestEvents.ScalarAsync<object>("select brand_id from ai_token_usage where event_id = $1", e.EventId);
            Assert.Equal(billedBrand, stored is Guid g ? g : null);
        }

        // The stored event keeps what the caller sent; only billing drops the foreign brand.
        Assert.Equal(foreign.BrandId, await TestEvents.ScalarAsync<Guid>("select brand_id from observability_events where event_id = $1", foreign.EventId));
        Assert.Equal(0.0123m * 4, await TestEvents.ScalarAsync<decimal>("select sum(total_cost_usd) from ai_token_usage where tenant_id = $1", tenant.Value));
    }

    [Fact]
    public async Task SinkBilling_spend_crossing_the_threshold_stores_and_relays_each_cost_alert_once()
    {
        var tenant = TenantId.New();
        var grain = fixture.Client.GetGrain<ITenantBillingGrain>(tenant.Value);
        using (TenantScope.Begin(tenant))
        {
            await fixture.Client.GetGrain<ITenantAdminGrain>(tenant.Value).CreateAsync("Alerting tenant", dailyCostThresholdUsd: 1.00m);
        }

        // 0.60 crosses 50%; then 0.50 more crosses 80% and 100% in one batch.
        await Events.TrackAsync(TestEvents.Answer(tenant) with { CostUsd = 0.60m });
        await Events.TrackBatchAsync(tenant, [TestEvents.Answer(tenant) with { CostUsd = 0.25m }, TestEvents.Answer(tenant) with { CostUsd = 0.25m }]);

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var alertIds = new[] { 0.5m, 0.8m, 1.0m }.Select(f => CostAlertPolicy.EventIdOf(tenant, today, f)).ToArray();
        var delivered = await TestEvents.EventuallyAsync(() => alertIds.All(id => RecordingDestination.Instance.Deliveries(id) > 0), Patience);
        if (!delivered)
        {
            using (TenantScope.Begin(tenant))
            {
                var counters = await grain.GetCostCountersAsync();
                Assert.Fail($"the cost alerts did not reach the destinations; the tenant grain counts {counters.Events} events, " +
                            $"{counters.CostUsd} USD, threshold {counters.DailyThresholdUsd}, alerts raised today: {counters.AlertsToday.Count}");
            }
        }

        var rows = await TestEvents.RowCountsAsync(tenant);
        Assert.All(alertIds, id => Assert.Equal(1, rows.GetValueOrDefault(id)));
        Assert.Equal(3L, await TestEvents.ScalarAsync<long>(
            "select count(*) from observability_events where tenant_id = $1 and event_type = 'cost.alert'", tenant.Value));
        Assert.Equal("error", await TestEvents.ScalarAsync<string>(
            "select severity from observability_events where tenant_id = $1 and event_id = $2", tenant.Value, alertIds[2]));
    }

    [Fact]
    public async Task SinkBilling_unpriced_AI_event_is_billed_in_tokens_and_raises_one_cost_unpriced_warning()
    {
        var tenant = TenantId.New();
        var e = TestEvents.Answer(tenant) with { CostUsd = null, AiModel = "model-nobody-priced" };

        await Events.TrackAsync(e);
        await Events.TrackAsync(e);

        Assert.True(await TestEvents.ScalarAsync<bool>("select unpriced from ai_token_usage where event_id = $1", e.EventId));
        var warning = UnpricedUsagePolicy.EventIdOf(e);
        var rows = await TestEvents.RowCountsAsync(tenant);
        Assert.Equal(1, rows[e.EventId]);
        Assert.Equal(1, rows[warning]);
        Assert.Equal(2, rows.Count);
        Assert.Equal("cost.unpriced", await TestEvents.ScalarAsync<string>("select event_type from observability_events where event_id = $1", warning));
        Assert.Equal("warning", await TestEvents.ScalarAsync<string>("select severity from observability_events where event_id = $1", warning));
        Assert.True(await TestEvents.EventuallyAsync(() => RecordingDestination.Instance.Deliveries(warning) > 0, Patience));
    }

    [Fact]
    public async Task SinkBilling_AI_event_with_only_a_total_token_count_is_unpriced_with_a_warning_never_billed_zero()
    {
        var tenant = TenantId.New();
        // A priced model, but 1,500 tokens without the input/output split: no rate applies.
        var e = TestEvents.Answer(tenant) with { CostUsd = null, TokensInput = null, TokensOutput = null, TokensUsed = 1_500 };

        Assert.Equal(EventAppendOutcome.Stored, await Events.TrackAsync(e));

        Assert.True(await TestEvents.ScalarAsync<bool>("select unpriced from ai_token_usage where event_id = $1", e.EventId));
        Assert.Equal(1_500L, await TestEvents.ScalarAsync<long>("select total_tokens from ai_token_usage where event_id = $1", e.EventId));
        Assert.IsType<DBNull>(await TestEvents.ScalarAsync<object>("select total_cost_usd from ai_token_usage where event_id = $1", e.EventId));
        Assert.IsType<DBNull>(await TestEvents.ScalarAsync<object>("select cost_usd from observability_events where event_id = $1", e.EventId));
        var warning = await TestEvents.ScalarAsync<string>("select error_message from observability_events where event_id = $1", UnpricedUsagePolicy.EventIdOf(e));
        Assert.Contains("only a total of 1500 tokens", warning);
    }

    [Fact]
    public async Task SinkBilling_a_callers_cost_is_stored_to_the_last_of_its_12_decimals_everywhere()
    {
        var tenant = TenantId.New();
        var e = TestEvents.Answer(tenant) with { CostUsd = 0.123456789012m };

        Assert.Equal(EventAppendOutcome.Stored, await Events.TrackAsync(e));

        Assert.Equal(0.123456789012m, await TestEvents.ScalarAsync<decimal>("select total_cost_usd from ai_token_usage where event_id = $1", e.EventId));
        Assert.Equal(0.123456789012m, await TestEvents.ScalarAsync<decimal>("select cost_usd from observability_events where event_id = $1", e.EventId));
        // A 13th decimal is refused, not rounded.
        var finer = TestEvents.Answer(tenant) with { CostUsd = 0.1234567890123m };
        var refused = await Assert.ThrowsAsync<InvalidEventException>(() => Events.TrackAsync(finer));
        Assert.Equal(nameof(StructuredEvent.CostUsd), refused.Field);
    }

    [Fact]
    public async Task SinkBilling_a_retried_AI_event_whose_first_commit_went_unconfirmed_is_counted_by_a_recount()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Client);
        var grain = fixture.Client.GetGrain<ITenantBillingGrain>(tenant.Value);
        using var scope = TenantScope.Begin(tenant);
        Assert.Equal(0m, (await grain.GetCostCountersAsync()).CostUsd);
        // The flush that committed this event lost PostgreSQL's answer: stored and billed, never handed to billing.
        var e = TestEvents.Answer(tenant) with { CostUsd = 0.25m };
        var shard = EventShards.Of(tenant, ClusterFixture.EventShards);
        var store = TestUsage.Store;
        await store.WriteAsync(shard, [e], await store.LastPositionAsync(shard, CancellationToken.None), CancellationToken.None);
        Assert.Equal(0m, (await grain.GetCostCountersAsync()).CostUsd);

        // The client retries it: already stored, so the sink has the billing grain count again from the ledger.
        Assert.Equal(EventAppendOutcome.AlreadyStored, await Events.TrackAsync(e));

        Assert.True(await TestEvents.EventuallyAsync(async () => (await grain.GetCostCountersAsync()).CostUsd == 0.25m, Patience),
            "the counters never counted the event whose first commit went unconfirmed");
    }
}
