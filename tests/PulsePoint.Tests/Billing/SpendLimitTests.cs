using PulsePoint.Billing;
using PulsePoint.Events;
using PulsePoint.Client;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Billing;

[CollectionDefinition(Name)]
public sealed class SpendLimitClusterCollection : ICollectionFixture<BillingClusterFixture>
{
    public const string Name = "spend-limit-cluster";
}

/// <summary>
/// Budgets and rate limits per tenant, user, API key and feature, on a cluster of its own whose billing clock these tests
/// move (forward only) to calendar boundaries.
/// </summary>
[Collection(SpendLimitClusterCollection.Name)]
public sealed class SpendLimitTests(BillingClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    private DateTimeOffset Now => fixture.Clock.GetUtcNow();

    [Fact]
    public async Task SpendLimits_concurrent_reservations_never_overspend_the_tenant_or_any_user()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        await SetAsync(tenant, new SpendLimit(SpendScope.Tenant, "", SpendPeriod.Month, 10m));
        await SetAsync(tenant, new SpendLimit(SpendScope.User, SpendLimit.EachSubject, SpendPeriod.Day, 3m));
        await SetAsync(tenant, new SpendLimit(SpendScope.User, "vip", SpendPeriod.Day, 5m));
        string[] users = ["ann", "ben", "cat", "vip"];

        BudgetReservation[] answers;
        string[] asked;
        using (TenantScope.Begin(tenant))
        {
            var grain = Client.GetGrain<ITenantBillingGrain>(tenant.Value);
            asked = Enumerable.Range(0, 240).Select(i => users[i % users.Length]).ToArray();
            answers = await Task.WhenAll(asked.Select(user => grain.ReserveAsync(new SpendRequest(0.25m, UserId: user))));
        }

        var granted = asked.Zip(answers).Where(p => p.Second.Granted).GroupBy(p => p.First).ToDictionary(g => g.Key, g => g.Count());
        // $10 a month holds 40 reservations of $0.25; each user holds at most 12 ($3), vip 20 ($5).
        Assert.Equal(40, granted.Values.Sum());
        Assert.All(users.Where(u => u != "vip"), u => Assert.InRange(granted.GetValueOrDefault(u), 0, 12));
        Assert.InRange(granted.GetValueOrDefault("vip"), 0, 20);
        Assert.All(answers.Where(a => !a.Granted), a => Assert.NotNull(a.DeniedBy));

        var statuses = await Grain(tenant, g => g.GetSpendLimitsAsync("ann"));
        Assert.Equal(10m, statuses.Single(s => s.Limit.Scope == SpendScope.Tenant).CountedUsd);
        var ann = statuses.Single(s => s.Limit.Scope == SpendScope.User);
        Assert.Equal(("ann", 3m, granted.GetValueOrDefault("ann") * 0.25m), (ann.Subject, ann.Limit.LimitUsd!.Value, ann.CountedUsd));

        // A released reservation frees its share at every scope; a commit of less counts what was spent.
        var first = asked.Zip(answers).First(p => p.Second.Granted);
        Assert.Equal(BudgetSettlement.Released, await Grain(tenant, g => g.ReleaseBudgetAsync(first.Second.ReservationId!.Value)));
        var again = await Grain(tenant, g => g.ReserveAsync(new SpendRequest(0.25m, UserId: first.First)));
        Assert.True(again.Granted);
        Assert.Equal(BudgetSettlement.Committed, await Grain(tenant, g => g.CommitSpendAsync(again.ReservationId!.Value, 0.05m, 100)));
        Assert.Equal(9.8m, (await Grain(tenant, g => g.GetSpendLimitsAsync())).Single().CountedUsd);

        // Holds live in grain storage: a restart changes nothing.
        await DeactivateAsync(tenant);
        Assert.Equal(9.8m, (await Grain(tenant, g => g.GetSpendLimitsAsync())).Single().CountedUsd);
    }

    [Fact]
    public async Task SpendLimits_count_recorded_spend_of_the_subject_and_each_reserved_call_once()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        await SetAsync(tenant, new SpendLimit(SpendScope.User, "erin", SpendPeriod.Day, 3m));
        await SetAsync(tenant, new SpendLimit(SpendScope.Feature, "search", SpendPeriod.Month, 2.5m));

        // $2 tracked without a reservation by erin in feature search; $7 by someone else counts for neither.
        await TestUsage.CommitBatchAsync(Client,
            TestUsage.AiEvent(tenant, "claude-3-sonnet", 1000, 0, Now, costUsd: 2m) with { UserId = "erin", Attributes = EventAttributes.Of((SpendAttributes.Feature, "search")) },
            TestUsage.AiEvent(tenant, "claude-3-sonnet", 1000, 0, Now, costUsd: 7m) with { UserId = "frank" });
        var erin = await Grain(tenant, g => g.GetSpendLimitsAsync("erin", null, "search"));
        Assert.Equal([("erin", 2m), ("search", 2m)], erin.Select(s => (s.Subject, s.CountedUsd)));

        var denied = await Grain(tenant, g => g.ReserveAsync(new SpendRequest(1.5m, UserId: "erin")));
        Assert.False(denied.Granted);
        Assert.Equal((SpendScope.User, "erin", SpendPeriod.Day, 1m), (denied.DeniedBy!.Scope, denied.DeniedBy.Subject, denied.DeniedBy.Period, denied.RemainingUsd!.Value));
        Assert.False((await Grain(tenant, g => g.ReserveAsync(new SpendRequest(0.6m, UserId: "erin", Feature: "search")))).Granted);
        Assert.True((await Grain(tenant, g => g.ReserveAsync(new SpendRequest(5m, UserId: "frank", Feature: "chat")))).Granted);

        // A reserved call tracked with its reservation counts once: the larger of the commit and its event's cost.
        var call = await Grain(tenant, g => g.ReserveAsync(new SpendRequest(0.5m, UserId: "erin")));
        Assert.Equal((true, 0.5m), (call.Granted, call.RemainingUsd!.Value));
        await Grain(tenant, g => g.CommitSpendAsync(call.ReservationId!.Value, 0.5m, 500));
        await TestUsage.CommitBatchAsync(Client,
            TestUsage.AiEvent(tenant, "claude-3-sonnet", 1000, 0, Now, costUsd: 0.75m) with { UserId = "erin", BudgetReservationId = call.ReservationId });
        Assert.Equal(2.75m, (await Grain(tenant, g => g.GetSpendLimitsAsync("erin"))).Single().CountedUsd);

        // After the reservation is forgotten, its events' recorded cost still counts, once.
        fixture.Clock.Advance(BillingClusterFixture.ReservationTimeout * 3);
        Assert.True((await Grain(tenant, g => g.ReserveAsync(new SpendRequest(0.25m, UserId: "erin")))).Granted);
        Assert.Equal(3m, (await Grain(tenant, g => g.GetSpendLimitsAsync("erin"))).Single().CountedUsd);
    }

    [Fact]
    public async Task SpendLimits_a_rate_limit_counts_the_last_minute_and_says_when_to_retry()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        await SetAsync(tenant, new SpendLimit(SpendScope.ApiKey, "pp_live_k1", SpendPeriod.Minute, 1m, 1000));

        Assert.True((await Grain(tenant, g => g.ReserveAsync(new SpendRequest(0.1m, 400, ApiKeyId: "pp_live_k1")))).Granted);
        fixture.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True((await Grain(tenant, g => g.ReserveAsync(new SpendRequest(0.1m, 400, ApiKeyId: "pp_live_k1")))).Granted);
        var denied = await Grain(tenant, g => g.ReserveAsync(new SpendRequest(0.1m, 400, ApiKeyId: "pp_live_k1")));
        Assert.False(denied.Granted);
        Assert.Equal((SpendPeriod.Minute, TimeSpan.FromSeconds(40)), (denied.DeniedBy!.Period, denied.RetryAfter));
        Assert.True((await Grain(tenant, g => g.ReserveAsync(new SpendRequest(0.1m, 400, ApiKeyId: "pp_live_k2")))).Granted);

        fixture.Clock.Advance(TimeSpan.FromSeconds(41));
        Assert.True((await Grain(tenant, g => g.ReserveAsync(new SpendRequest(0.1m, 400, ApiKeyId: "pp_live_k1")))).Granted);

        // Usage sent with the key without a reservation counts in the minute it arrives: 800 reserved + 700 > 1000 tokens.
        await TestUsage.CommitBatchAsync(Client,
            TestUsage.AiEvent(tenant, "claude-3-sonnet", 700, 0, Now, costUsd: 0.01m) with { Attributes = EventAttributes.Of((SpendAttributes.ApiKeyId, "pp_live_k1")) });
        var byUsage = await Grain(tenant, g => g.ReserveAsync(new SpendRequest(0.1m, 400, ApiKeyId: "pp_live_k1")));
        Assert.False(byUsage.Granted);
        Assert.Null((await Grain(tenant, g => g.ReserveAsync(new SpendRequest(0.1m, 1001, ApiKeyId: "pp_live_k1")))).RetryAfter); // never fits
        var tokens = (await Grain(tenant, g => g.GetSpendLimitsAsync(apiKeyId: "pp_live_k1"))).Single();
        Assert.Equal((1500L, -500L), (tokens.CountedTokens, tokens.RemainingTokens!.Value));
    }

    [Fact]
    public async Task SpendLimits_days_and_months_follow_the_tenant_time_zone_across_a_month_end_and_a_dst_change()
    {
        // New York: the month ends at 05:00 UTC on 1 January, not at midnight UTC.
        var york = await TestTenants.CreateAsync(Client);
        await Client.GetGrain<ITenantBillingAdminGrain>(york.Value).SetTimeZoneAsync("America/New_York");
        await SetAsync(york, new SpendLimit(SpendScope.Feature, "report", SpendPeriod.Month, 5m));
        fixture.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 1, 3, 0, 0, TimeSpan.Zero));
        var december = await Grain(york, g => g.ReserveAsync(new SpendRequest(4m, Feature: "report")));
        await Grain(york, g => g.CommitSpendAsync(december.ReservationId!.Value, 4m, 0));
        fixture.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 1, 4, 30, 0, TimeSpan.Zero)); // 23:30 on 31 December in New York
        Assert.False((await Grain(york, g => g.ReserveAsync(new SpendRequest(2m, Feature: "report")))).Granted);
        fixture.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 1, 5, 30, 0, TimeSpan.Zero));
        Assert.True((await Grain(york, g => g.ReserveAsync(new SpendRequest(2m, Feature: "report")))).Granted);
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 5, 0, 0, TimeSpan.Zero), (await Grain(york, g => g.GetSpendLimitsAsync(feature: "report"))).Single().PeriodStart);

        // Berlin: clocks go forward on 28 March 2027, so that day ends at 22:00 UTC, an hour before its start time of day.
        var berlin = await TestTenants.CreateAsync(Client);
        await Client.GetGrain<ITenantBillingAdminGrain>(berlin.Value).SetTimeZoneAsync("Europe/Berlin");
        await SetAsync(berlin, new SpendLimit(SpendScope.Tenant, "", SpendPeriod.Day, 1m));
        fixture.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 28, 21, 30, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2027, 3, 27, 23, 0, 0, TimeSpan.Zero), (await Grain(berlin, g => g.GetSpendLimitsAsync())).Single().PeriodStart);
        var evening = await Grain(berlin, g => g.ReserveAsync(new SpendRequest(1m)));
        await Grain(berlin, g => g.CommitSpendAsync(evening.ReservationId!.Value, 1m, 0));
        Assert.False((await Grain(berlin, g => g.ReserveAsync(new SpendRequest(0.5m)))).Granted);
        fixture.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 28, 22, 10, 0, TimeSpan.Zero));
        Assert.True((await Grain(berlin, g => g.ReserveAsync(new SpendRequest(0.5m)))).Granted);
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 22, 0, 0, TimeSpan.Zero), (await Grain(berlin, g => g.GetSpendLimitsAsync())).Single().PeriodStart);

        await Assert.ThrowsAsync<ArgumentException>(() => Client.GetGrain<ITenantBillingAdminGrain>(berlin.Value).SetTimeZoneAsync("Europe/Atlantis"));
    }

    [Fact]
    public async Task SpendLimits_bad_limits_and_requests_are_refused_with_nothing_changed()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        var admin = Client.GetGrain<ITenantBillingAdminGrain>(tenant.Value);
        await Assert.ThrowsAsync<ArgumentException>(() => admin.SetSpendLimitAsync(new SpendLimit(SpendScope.User, "", SpendPeriod.Day, 1m)));
        await Assert.ThrowsAsync<ArgumentException>(() => admin.SetSpendLimitAsync(new SpendLimit(SpendScope.Tenant, "x", SpendPeriod.Day, 1m)));
        await Assert.ThrowsAsync<ArgumentException>(() => admin.SetSpendLimitAsync(new SpendLimit(SpendScope.Tenant, "", SpendPeriod.Month, null, 10)));
        await Assert.ThrowsAsync<ArgumentException>(() => admin.SetSpendLimitAsync(new SpendLimit(SpendScope.Tenant, "", SpendPeriod.Day, 0.0000000000001m)));
        await Assert.ThrowsAsync<ArgumentException>(() => admin.SetSpendLimitAsync(new SpendLimit(SpendScope.Feature, new string('f', 129), SpendPeriod.Day, 1m)));
        await Assert.ThrowsAsync<TenantNotFoundException>(() => Client.GetGrain<ITenantBillingAdminGrain>(Guid.NewGuid()).SetSpendLimitAsync(new SpendLimit(SpendScope.Tenant, "", SpendPeriod.Day, 1m)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Grain(tenant, g => g.ReserveAsync(new SpendRequest(1m, -1))));
        await Assert.ThrowsAsync<ArgumentException>(() => Grain(tenant, g => g.ReserveAsync(new SpendRequest(1m, UserId: "bad\nuser"))));

        await admin.SetSpendLimitAsync(new SpendLimit(SpendScope.User, "u", SpendPeriod.Day, 1m));
        await admin.SetSpendLimitAsync(new SpendLimit(SpendScope.User, "u", SpendPeriod.Day, 2m));
        var (zone, limits) = await admin.ListSpendLimitsAsync();
        Assert.Equal(("UTC", 2m), (zone, limits.Single().LimitUsd!.Value));
        Assert.True(await admin.RemoveSpendLimitAsync(SpendScope.User, "u", SpendPeriod.Day));
        Assert.False(await admin.RemoveSpendLimitAsync(SpendScope.User, "u", SpendPeriod.Day));
    }

    private async Task SetAsync(TenantId tenant, SpendLimit limit) =>
        await Client.GetGrain<ITenantBillingAdminGrain>(tenant.Value).SetSpendLimitAsync(limit);

    private async Task<T> Grain<T>(TenantId tenant, Func<ITenantBillingGrain, Task<T>> call)
    {
        using (TenantScope.Begin(tenant))
        {
            return await call(Client.GetGrain<ITenantBillingGrain>(tenant.Value));
        }
    }

    private async Task DeactivateAsync(TenantId tenant) =>
        await TestGrains.DeactivateAsync(Client, Client.GetGrain<ITenantBillingGrain>(tenant.Value));
}
