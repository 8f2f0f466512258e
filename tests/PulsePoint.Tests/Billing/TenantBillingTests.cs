using Orleans.Core.Internal;
using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Billing;

/// <summary>
/// Cost counters, cost alerts and the hard budget of the tenant grain, on a real cluster with real
/// PostgreSQL and real ADO.NET grain storage. The default daily threshold here is $10; claude-3-sonnet
/// input costs $3 per million tokens, so 1M input tokens = $3.
/// </summary>
[Collection(BillingClusterCollection.Name)]
public sealed class TenantBillingTests(BillingClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    private DateTimeOffset Now => fixture.Clock.GetUtcNow();

    [Fact]
    public async Task Alerts_spend_crossing_50_80_100_percent_in_one_batch_raises_each_once()
    {
        var tenant = await TestTenants.CreateAsync(Client);

        await TestUsage.CommitBatchAsync(Client,
            TestUsage.AiEvent(tenant, "claude-3-sonnet", 2_000_000, 0, Now),
            TestUsage.AiEvent(tenant, "claude-3-sonnet", 1_500_000, 0, Now));

        var published = await WaitForAlertsAsync(tenant, 3);
        Assert.Equal([0.5m, 0.8m, 1.0m], published.Select(FractionOf).Order());
        Assert.Equal(
            [EventSeverity.Warning, EventSeverity.Warning, EventSeverity.Error],
            published.OrderBy(FractionOf).Select(e => e.Severity));
        Assert.All(published, e =>
        {
            Assert.Equal(EventCategory.Billing, e.Category);
            Assert.Equal(EventTypes.CostAlert, e.EventType);
            // A level of spend, not spend: in its attributes, never in the cost that reports sum.
            Assert.Null(e.CostUsd);
            Assert.Equal(10.5m, decimal.Parse(e.Attributes![CostAlertPolicy.SpendAttribute], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(10m, decimal.Parse(e.Attributes[CostAlertPolicy.ThresholdAttribute], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Null(StructuredEventValidator.Check(e, e.Timestamp));
        });
        var counters = await Grain(tenant, g => g.GetCostCountersAsync());
        Assert.Equal(3, counters.AlertsToday.Count);
        Assert.Equal(10.5m, counters.CostUsd);
    }

    [Fact]
    public async Task Alerts_spend_crossing_fractions_across_batches_raises_each_once_and_restart_does_not_repeat()
    {
        var tenant = await TestTenants.CreateAsync(Client);

        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 2_000_000, 0, Now)); // $6: 60 %
        await WaitForAlertsAsync(tenant, 1);
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 1_000_000, 0, Now)); // $9: 90 %
        await WaitForAlertsAsync(tenant, 2);

        await DeactivateAsync(tenant);
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 100_000, 0, Now)); // $9.30: still 90 %
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 1_000_000, 0, Now)); // $12.30: 123 %
        await WaitForAlertsAsync(tenant, 3);
        await DeactivateAsync(tenant);
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 1_000_000, 0, Now)); // $15.30

        var counters = await Grain(tenant, g => g.GetCostCountersAsync());
        Assert.Equal(15.3m, counters.CostUsd);
        Assert.Equal([0.5m, 0.8m, 1.0m], counters.AlertsToday.Select(a => a.Fraction));
        Assert.Equal([0.5m, 0.8m, 1.0m], fixture.Published.Of(tenant).Select(FractionOf));
    }

    [Fact]
    public async Task Alerts_re_arm_on_a_new_utc_day()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 2_000_000, 0, Now));
        await WaitForAlertsAsync(tenant, 1);

        fixture.Clock.Advance(TimeSpan.FromDays(1));
        var counters = await Grain(tenant, g => g.GetCostCountersAsync());
        Assert.Equal(0m, counters.CostUsd);
        Assert.Empty(counters.AlertsToday);

        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 2_000_000, 0, Now));
        var published = await WaitForAlertsAsync(tenant, 2);
        Assert.Equal(2, published.Select(e => e.EventId).Distinct().Count());
        Assert.Equal([0.5m, 0.5m], published.Select(FractionOf));
    }

    [Fact]
    public async Task Alerts_not_accepted_by_the_sink_are_retried_until_they_are()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        fixture.Published.Failing = true;
        try
        {
            await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 2_000_000, 0, Now));
            Assert.Single((await Grain(tenant, g => g.GetCostCountersAsync())).AlertsToday);
            Assert.Empty(fixture.Published.Of(tenant));
        }
        finally
        {
            fixture.Published.Failing = false;
        }

        // The refresh timer (1 s here) arms another attempt.
        var published = await WaitForAlertsAsync(tenant, 1);
        Assert.Equal(0.5m, FractionOf(published[0]));
    }

    [Fact]
    public async Task Counters_after_reactivation_equal_the_sum_in_ai_token_usage()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        await TestUsage.CommitBatchAsync(Client,
            TestUsage.AiEvent(tenant, "claude-3-sonnet", 1_234, 567, Now),
            TestUsage.AiEvent(tenant, "claude-3-5-sonnet", 1_000, 500, Now, cacheRead: 2_000, cacheWrite: 400),
            TestUsage.AiEvent(tenant, "no-such-model", 10, 10, Now));
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 100, 100, Now, costUsd: 0.5m));
        var before = await Grain(tenant, g => g.GetCostCountersAsync());

        await DeactivateAsync(tenant);
        var after = await Grain(tenant, g => g.GetCostCountersAsync());

        var (events, tokens, cost, unpriced) = await SumInDatabaseAsync(tenant);
        Assert.Equal((events, tokens, cost, unpriced), (after.Events, after.TotalTokens, after.CostUsd, after.UnpricedEvents));
        Assert.Equal((4L, 0.003702m + 0.008505m + 0.0126m + 0.5m, 1L), (after.Events, after.CostUsd, after.UnpricedEvents));
        Assert.Equal(before.PerModel, after.PerModel);
        Assert.Equal(["claude-3-5-sonnet", "claude-3-sonnet", "no-such-model"], after.PerModel.Select(l => l.Model));
    }

    [Fact]
    public async Task Counters_catch_up_with_a_committed_batch_whose_hand_off_never_came()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 1_000_000, 0, Now)); // $3, counted
        // Committed while the sink lost PostgreSQL's answer: in the ledger, never handed to the grain.
        var catalog = TestPrices.Catalog;
        await TestUsage.Ledger.InsertAsync([UsageRecord.FromEvent(TestUsage.AiEvent(tenant, "claude-3-sonnet", 2_000_000, 0, Now), catalog)!]);
        Assert.Equal(3m, (await Grain(tenant, g => g.GetCostCountersAsync())).CostUsd);

        // Once the reload period has passed, the next refresh rebuilds the counters from the ledger, and
        // the $9 now counted crosses the 50 and 80 % alerts of the $10 threshold.
        fixture.Clock.Advance(BillingClusterFixture.CounterReloadPeriod);
        Assert.True(await Events.TestEvents.EventuallyAsync(
            async () => (await Grain(tenant, g => g.GetCostCountersAsync())).CostUsd == 9m, TimeSpan.FromSeconds(20)),
            "the counters never caught up with the ledger");
        Assert.Equal([0.5m, 0.8m], (await WaitForAlertsAsync(tenant, 2)).Select(FractionOf).Order());
    }

    [Fact]
    public async Task Counters_a_batch_committed_before_the_grain_activated_is_counted_once()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        await DeactivateAsync(tenant);
        // The rows commit while no activation exists; the AddUsage call then activates the grain, whose
        // load already sees them: the call must not add them again.
        var catalog = TestPrices.Catalog;
        var insert = await TestUsage.Ledger.InsertAsync([UsageRecord.FromEvent(TestUsage.AiEvent(tenant, "claude-3-sonnet", 1_000_000, 0, Now), catalog)!]);
        using (TenantScope.Begin(tenant))
        {
            await Client.GetGrain<ITenantUsageFeed>(tenant.Value).AddUsageAsync(insert.PerTenant()[tenant]);
        }

        var counters = await Grain(tenant, g => g.GetCostCountersAsync());
        Assert.Equal((1L, 3m), (counters.Events, counters.CostUsd));
    }

    [Fact]
    public async Task Budget_1000_concurrent_reservations_against_a_budget_for_100_grant_exactly_100()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        await TestTenants.SetDailyBudgetAsync(Client, tenant, 10m);

        BudgetReservation[] answers;
        using (TenantScope.Begin(tenant))
        {
            var grain = Client.GetGrain<ITenantBillingGrain>(tenant.Value);
            answers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => grain.ReserveBudgetAsync(0.1m)));
        }

        var granted = answers.Where(a => a.Granted).ToArray();
        Assert.Equal(100, granted.Length);
        Assert.Equal(100, granted.Select(a => a.ReservationId).Distinct().Count());
        Assert.All(answers.Where(a => !a.Granted), a => Assert.Equal(0m, a.RemainingUsd));
        var status = await Grain(tenant, g => g.GetBudgetAsync());
        Assert.Equal((10m, 0m, 100), (status.HeldUsd, status.RemainingUsd!.Value, status.OpenReservations));

        // Settling: a commit spends the actual cost, a release frees the hold, both are idempotent.
        Assert.Equal(BudgetSettlement.Committed, await Grain(tenant, g => g.CommitBudgetAsync(granted[0].ReservationId!.Value, 0.05m)));
        Assert.Equal(BudgetSettlement.AlreadySettled, await Grain(tenant, g => g.CommitBudgetAsync(granted[0].ReservationId!.Value, 0.05m)));
        Assert.Equal(BudgetSettlement.Released, await Grain(tenant, g => g.ReleaseBudgetAsync(granted[1].ReservationId!.Value)));
        Assert.Equal(BudgetSettlement.AlreadySettled, await Grain(tenant, g => g.ReleaseBudgetAsync(granted[1].ReservationId!.Value)));
        status = await Grain(tenant, g => g.GetBudgetAsync());
        Assert.Equal((0.05m, 9.8m, 0.15m), (status.CommittedUsd, status.HeldUsd, status.RemainingUsd!.Value));

        // Holds and spend live in grain storage: a restart changes nothing.
        await DeactivateAsync(tenant);
        var restarted = await Grain(tenant, g => g.GetBudgetAsync());
        Assert.Equal((0.05m, 9.8m, 0.15m, 98), (restarted.CommittedUsd, restarted.HeldUsd, restarted.RemainingUsd!.Value, restarted.OpenReservations));
        Assert.False((await Grain(tenant, g => g.ReserveBudgetAsync(0.16m))).Granted);
        Assert.True((await Grain(tenant, g => g.ReserveBudgetAsync(0.15m))).Granted);
    }

    [Fact]
    public async Task Budget_unsettled_reservations_expire_and_recorded_usage_counts()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        await TestTenants.SetDailyBudgetAsync(Client, tenant, 5m);

        var first = await Grain(tenant, g => g.ReserveBudgetAsync(4m));
        Assert.True(first.Granted);
        Assert.False((await Grain(tenant, g => g.ReserveBudgetAsync(2m))).Granted);

        fixture.Clock.Advance(BillingClusterFixture.ReservationTimeout);
        Assert.True((await Grain(tenant, g => g.ReserveBudgetAsync(2m))).Granted);
        // A late commit of the expired reservation still counts: the money was spent.
        Assert.Equal(BudgetSettlement.NotHeld, await Grain(tenant, g => g.CommitBudgetAsync(first.ReservationId!.Value, 1m)));
        Assert.Equal(2m, (await Grain(tenant, g => g.GetBudgetAsync())).RemainingUsd);

        // $3 of AI usage whose event named no reservation counts on top: $1 committed + $2 held + $3 = $6 of $5.
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 1_000_000, 0, Now));
        var status = await Grain(tenant, g => g.GetBudgetAsync());
        Assert.Equal((3m, 3m, 3m, 6m, -1m), (status.RecordedUsd, status.UnreservedUsd, status.ReservationsUsd, status.CountedUsd, status.RemainingUsd!.Value));
        Assert.False((await Grain(tenant, g => g.ReserveBudgetAsync(0.01m))).Granted);
    }

    [Fact]
    public async Task Budget_counts_all_recorded_spend_and_each_reserved_call_once()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        await TestTenants.SetDailyBudgetAsync(Client, tenant, 1m);

        // $0.40 of AI events that named no reservation: 8 × 20,000 input tokens of gpt-4o ($2.50 per million).
        foreach (var _ in Enumerable.Range(0, 8))
        {
            await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "gpt-4o", 20_000, 0, Now));
        }

        // Three calls reserved and committed $0.10 each, without tracking an event: $0.70 is spent.
        foreach (var _ in Enumerable.Range(0, 3))
        {
            var untracked = await Grain(tenant, g => g.ReserveBudgetAsync(0.10m));
            Assert.Equal(BudgetSettlement.Committed, await Grain(tenant, g => g.CommitBudgetAsync(untracked.ReservationId!.Value, 0.10m)));
        }

        // Ten callers at once: only three $0.10 reservations fit in what is left.
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Grain(tenant, g => g.ReserveBudgetAsync(0.10m))));
        var granted = answers.Where(a => a.Granted).ToArray();
        Assert.Equal(3, granted.Length);
        Assert.All(answers.Where(a => !a.Granted), a => Assert.Equal(0m, a.RemainingUsd));

        // Those calls ran: each tracks an event naming its reservation ($0.10: 40,000 input tokens) and commits. Counted once.
        await Task.WhenAll(granted.Select(async a =>
        {
            await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "gpt-4o", 40_000, 0, Now) with { BudgetReservationId = a.ReservationId });
            await Grain(tenant, g => g.CommitBudgetAsync(a.ReservationId!.Value, 0.10m));
        }));

        var expected = (Recorded: 0.70m, Committed: 0.60m, Unreserved: 0.40m, Reservations: 0.60m, Counted: 1.00m, Remaining: 0m);
        var status = await Grain(tenant, g => g.GetBudgetAsync());
        Assert.Equal(expected, (status.RecordedUsd, status.CommittedUsd, status.UnreservedUsd, status.ReservationsUsd, status.CountedUsd, status.RemainingUsd!.Value));
        Assert.False((await Grain(tenant, g => g.ReserveBudgetAsync(0.000000000001m))).Granted);

        // A new activation rebuilds the same count: its counters from the ledger (which keeps each event's
        // reservation), the commits from grain storage.
        await DeactivateAsync(tenant);
        status = await Grain(tenant, g => g.GetBudgetAsync());
        Assert.Equal(expected, (status.RecordedUsd, status.CommittedUsd, status.UnreservedUsd, status.ReservationsUsd, status.CountedUsd, status.RemainingUsd!.Value));
    }

    [Fact]
    public async Task Budget_settled_reservations_are_forgotten_and_still_counted_once()
    {
        // Not across a UTC midnight: the fold keeps a day's figures.
        if (Now.TimeOfDay > TimeSpan.FromHours(23))
        {
            fixture.Clock.Advance(TimeSpan.FromHours(2));
        }

        var tenant = await TestTenants.CreateAsync(Client);
        await TestTenants.SetDailyBudgetAsync(Client, tenant, 10m);

        // Committed more than its event cost ($3 against $1), and less ($0.50 against $2): max of each, $5.
        var more = await Grain(tenant, g => g.ReserveBudgetAsync(2m));
        await Grain(tenant, g => g.CommitBudgetAsync(more.ReservationId!.Value, 3m));
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "gpt-4o", 1000, 0, Now, costUsd: 1m) with { BudgetReservationId = more.ReservationId });
        var less = await Grain(tenant, g => g.ReserveBudgetAsync(1m));
        await Grain(tenant, g => g.CommitBudgetAsync(less.ReservationId!.Value, 0.5m));
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "gpt-4o", 1000, 0, Now, costUsd: 2m) with { BudgetReservationId = less.ReservationId });
        Assert.Equal(5m, (await Grain(tenant, g => g.GetBudgetAsync())).CountedUsd);

        // Past the settlements' memory, the next reservation forgets both: the count is the same, plus its hold.
        fixture.Clock.Advance(BillingClusterFixture.ReservationTimeout * 2 + TimeSpan.FromSeconds(1));
        Assert.True((await Grain(tenant, g => g.ReserveBudgetAsync(0.5m))).Granted);
        var status = await Grain(tenant, g => g.GetBudgetAsync());
        Assert.Equal((5.5m, 3.5m, 4.5m), (status.CountedUsd, status.CommittedUsd, status.RemainingUsd!.Value));
        Assert.False((await Grain(tenant, g => g.ReserveBudgetAsync(4.6m))).Granted);

        await DeactivateAsync(tenant);
        Assert.Equal(5.5m, (await Grain(tenant, g => g.GetBudgetAsync())).CountedUsd);
    }

    [Fact]
    public async Task Budget_reservations_racing_plain_spend_are_never_granted_beyond_what_is_left()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        await TestTenants.SetDailyBudgetAsync(Client, tenant, 1m);

        // Eight plain $0.05 events and twenty $0.10 calls (reserve, track the event naming it, commit), all at once.
        var plain = Task.WhenAll(Enumerable.Range(0, 8).Select(_ => TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "gpt-4o", 20_000, 0, Now))));
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            var answer = await Grain(tenant, g => g.ReserveBudgetAsync(0.10m));
            if (answer.Granted)
            {
                await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "gpt-4o", 40_000, 0, Now) with { BudgetReservationId = answer.ReservationId });
                await Grain(tenant, g => g.CommitBudgetAsync(answer.ReservationId!.Value, 0.10m));
            }

            return answer;
        }));
        await plain;

        var granted = answers.Where(a => a.Granted).ToArray();
        // Each grant fit in what the grain counted at that moment; the plain spend cannot be refused, so the
        // grants are between 6 (all of it came first) and 10 (none of it did).
        Assert.All(granted, a => Assert.True(a.RemainingUsd >= 0m, $"a reservation was granted with {a.RemainingUsd} USD left"));
        Assert.InRange(granted.Length, 6, 10);
        var status = await Grain(tenant, g => g.GetBudgetAsync());
        Assert.Equal(0.40m + 0.10m * granted.Length, status.CountedUsd);
        Assert.Equal(status.RecordedUsd, status.CountedUsd);
        Assert.Equal((0.40m, 0.10m * granted.Length), (status.UnreservedUsd, status.ReservationsUsd));
    }

    [Fact]
    public async Task Budget_and_threshold_refuse_amounts_finer_than_the_money_precision()
    {
        var tenant = await TestTenants.CreateAsync(Client);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => TestTenants.SetDailyBudgetAsync(Client, tenant, 1.0000000000001m));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => TestTenants.SetDailyCostThresholdAsync(Client, tenant, 0.0000000000001m));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Grain(tenant, g => g.ReserveBudgetAsync(-0.01m)));
        await TestTenants.SetDailyBudgetAsync(Client, tenant, 1.000000000001m);
        Assert.Equal(1.000000000001m, (await Grain(tenant, g => g.GetBudgetAsync())).DailyBudgetUsd);
    }

    [Fact]
    public async Task Budget_is_opt_in_without_one_every_reservation_is_granted()
    {
        var tenant = await TestTenants.CreateAsync(Client);

        var answer = await Grain(tenant, g => g.ReserveBudgetAsync(1_000_000m));

        Assert.True(answer.Granted);
        Assert.Null(answer.RemainingUsd);
    }

    [Fact]
    public async Task UsageReport_gives_tokens_and_cost_per_day_and_model()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        var today = DateOnly.FromDateTime(Now.UtcDateTime);
        var yesterday = Now.AddDays(-1);
        await TestUsage.CommitBatchAsync(Client,
            TestUsage.AiEvent(tenant, "claude-3-sonnet", 1_000_000, 0, yesterday),
            TestUsage.AiEvent(tenant, "claude-3-sonnet", 0, 1_000_000, Now),
            TestUsage.AiEvent(tenant, "gpt-4o", 1_000_000, 0, Now),
            TestUsage.AiEvent(tenant, "gpt-4o", 1_000_000, 0, Now));

        var report = await Report(tenant, today.AddDays(-1), today);

        Assert.Equal(
            [(today.AddDays(-1), "claude-3-sonnet", 1L, 3m), (today, "claude-3-sonnet", 1L, 15m), (today, "gpt-4o", 2L, 5m)],
            report.Rows.Select(r => (r.Day, r.Model, r.Events, r.CostUsd)));
        Assert.Empty((await Report(tenant, today.AddDays(-10), today.AddDays(-2))).Rows);
    }

    private static decimal FractionOf(StructuredEvent alert) =>
        decimal.Parse(alert.ErrorCode!["cost_threshold_".Length..^"pct".Length], System.Globalization.CultureInfo.InvariantCulture) / 100m;

    private async Task<T> Grain<T>(TenantId tenant, Func<ITenantBillingGrain, Task<T>> call)
    {
        using (TenantScope.Begin(tenant))
        {
            return await call(Client.GetGrain<ITenantBillingGrain>(tenant.Value));
        }
    }

    private async Task Grain(TenantId tenant, Func<ITenantBillingGrain, Task> call)
    {
        using (TenantScope.Begin(tenant))
        {
            await call(Client.GetGrain<ITenantBillingGrain>(tenant.Value));
        }
    }

    private async Task<UsageReport> Report(TenantId tenant, DateOnly from, DateOnly to)
    {
        using (TenantScope.Begin(tenant))
        {
            return await Client.GetGrain<IUsageReportGrain>(tenant.Value).GetUsageReportAsync(from, to);
        }
    }

    private async Task DeactivateAsync(TenantId tenant) =>
        await TestGrains.DeactivateAsync(Client, Client.GetGrain<ITenantBillingGrain>(tenant.Value));

    /// <summary>Alerts are sent from a grain timer right after they are raised: wait (bounded) for them.</summary>
    private async Task<IReadOnlyList<StructuredEvent>> WaitForAlertsAsync(TenantId tenant, int count)
    {
        for (var i = 0; i < 200 && fixture.Published.Of(tenant).Count < count; i++)
        {
            await Task.Delay(50);
        }

        var published = fixture.Published.Of(tenant);
        Assert.Equal(count, published.Count);
        return published;
    }

    private static async Task<(long Events, long Tokens, decimal Cost, long Unpriced)> SumInDatabaseAsync(TenantId tenant)
    {
        await using var dataSource = TestDatabase.CreateDataSource(TestDatabase.Application);
        return await new TenantDatabase(dataSource, TestDatabase.TenantContext).ReadAsync(tenant,
            "select count(*), sum(total_tokens)::bigint, coalesce(sum(total_cost_usd), 0), count(*) filter (where unpriced) from ai_token_usage where tenant_id = $1",
            bind: null,
            async (reader, ct) =>
            {
                await reader.ReadAsync(ct);
                return (reader.GetInt64(0), reader.GetInt64(1), reader.GetDecimal(2), reader.GetInt64(3));
            });
    }
}
