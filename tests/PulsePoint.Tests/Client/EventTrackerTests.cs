using System.Diagnostics;
using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Tenancy;
using PulsePoint.Tests.EndToEnd;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Client;

/// <summary>The typed tracking API: what it fills in, what it refuses, and what reaches PostgreSQL.</summary>
[Collection(ClusterCollection.Name)]
public sealed class EventTrackerTests(ClusterFixture fixture)
{
    private EventTracker Tracker => fixture.Events;

    [Fact]
    public async Task Typed_events_take_the_ambient_tenant_and_the_current_trace_id_and_return_once_stored()
    {
        var tenant = TenantId.New();
        using var activity = new Activity("test-operation").SetIdFormat(ActivityIdFormat.W3C).Start();
        StructuredEvent sync, login, viewed;
        using (TenantScope.Begin(tenant))
        {
            sync = await Tracker.TrackDataSyncAsync("sync.orders_imported", TimeSpan.FromSeconds(2), EventStatus.Partial, "rate_limited", "3 pages skipped");
            login = await Tracker.TrackSecurityEventAsync("auth.login_failed", EventSeverity.Warning, EventStatus.Failure, "mallory", "bad_password");
            viewed = await Tracker.TrackUserInteractionAsync("user.brand_viewed", "alice", TimeSpan.FromMilliseconds(40));
        }

        var rows = await StoredEventRow.OfAsync(tenant);
        Assert.Equal(new[] { sync.EventId, login.EventId, viewed.EventId }.Order(), rows.Select(r => r.EventId).Order());
        Assert.All(rows, r => Assert.Equal(activity.TraceId.ToHexString(), r.RequestId));
        var syncRow = rows.Single(r => r.EventId == sync.EventId);
        Assert.Equal(("data.sync", "partial", "warning", "rate_limited"), (syncRow.Category, syncRow.Status, syncRow.Severity, syncRow.ErrorCode));
        var loginRow = rows.Single(r => r.EventId == login.EventId);
        Assert.Equal(("security", "auth.login_failed", "mallory"), (loginRow.Category, loginRow.EventType, loginRow.UserId));
    }

    [Fact]
    public async Task Bad_input_is_refused_before_anything_is_sent_naming_the_field()
    {
        var tenant = TenantId.New();

        Assert.Throws<TenantRequiredException>(() => Tracker.Error("x", "no tenant anywhere"));
        Assert.Equal("model", Assert.Throws<ArgumentException>(() => Tracker.AiGeneration(" ", 1, 1, TimeSpan.Zero, new AiGenerationDetails { Tenant = tenant })).ParamName);
        Assert.Equal(nameof(StructuredEvent.TokensInput),
            Assert.Throws<InvalidEventException>(() => Tracker.AiGeneration("claude-3-sonnet", -5, 1, TimeSpan.Zero, new AiGenerationDetails { Tenant = tenant })).Field);
        Assert.Equal(nameof(StructuredEvent.AccuracyScore),
            (await Assert.ThrowsAsync<InvalidEventException>(() => Tracker.TrackAiGenerationAsync("claude-3-sonnet", 1, 1, TimeSpan.Zero, new AiGenerationDetails { AccuracyScore = 1.2, Tenant = tenant }))).Field);
        Assert.Equal(nameof(StructuredEvent.EventType),
            Assert.Throws<InvalidEventException>(() => Tracker.UserInteraction("ai.not_a_user_event", tenant: tenant)).Field);
        Assert.Equal("severity", Assert.Throws<ArgumentOutOfRangeException>(() => Tracker.Error("x", "y", EventSeverity.Info, tenant: tenant)).ParamName);
        Assert.Equal("duration", Assert.Throws<ArgumentOutOfRangeException>(() => Tracker.DataSync("sync.x", TimeSpan.FromSeconds(-1), tenant: tenant)).ParamName);
        Assert.Empty(await StoredEventRow.OfAsync(tenant));
    }

    [Fact]
    public async Task AiGeneration_for_a_user_and_feature_counts_in_their_spend_limits_through_the_sink()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Client);
        var admin = fixture.Client.GetGrain<ITenantBillingAdminGrain>(tenant.Value);
        await admin.SetSpendLimitAsync(new SpendLimit(SpendScope.User, "u-9", SpendPeriod.Month, 1m));
        await admin.SetSpendLimitAsync(new SpendLimit(SpendScope.Feature, "answers", SpendPeriod.Day, 1m));

        await Tracker.TrackAiGenerationAsync("claude-3-sonnet", 100, 20, TimeSpan.FromMilliseconds(300),
            new AiGenerationDetails { Tenant = tenant, UserId = "u-9", Feature = "answers", CostUsd = 0.4m });

        // The sink hands the committed usage to the billing grain after the commit, without waiting for it.
        IReadOnlyList<SpendLimitStatus> limits = [];
        for (var i = 0; i < 100 && limits.Sum(l => l.CountedUsd) < 0.8m; i++)
        {
            await Task.Delay(50);
            using (TenantScope.Begin(tenant))
            {
                limits = await fixture.Client.GetGrain<ITenantBillingGrain>(tenant.Value).GetSpendLimitsAsync("u-9", null, "answers");
            }
        }

        Assert.Equal([("u-9", 0.4m), ("answers", 0.4m)], limits.Select(l => (l.Subject, l.CountedUsd)));
    }

    [Fact]
    public async Task Batch_of_several_tenants_stores_each_once_and_rejects_an_invalid_event_alone()
    {
        var first = TenantId.New();
        var second = TenantId.New();
        var good = Tracker.AiGeneration("claude-3-sonnet", 100, 20, TimeSpan.FromMilliseconds(300), new AiGenerationDetails { Tenant = first });
        var other = Tracker.Error("timeout", "upstream timed out", tenant: second);
        var bad = Tracker.ApiRequest("GET", "/x", 200, TimeSpan.Zero, tenant: first) with { DurationMs = double.NaN };

        var results = await Tracker.TrackBatchAsync([good, other, bad]);
        var again = await Tracker.TrackBatchAsync([good, other]);

        Assert.Equal([EventAppendOutcome.Stored, EventAppendOutcome.Stored, EventAppendOutcome.Rejected], results.Select(r => r.Outcome));
        Assert.Equal(nameof(StructuredEvent.DurationMs), results[2].Field);
        Assert.All(again, r => Assert.Equal(EventAppendOutcome.AlreadyStored, r.Outcome));
        Assert.Equal([good.EventId], (await StoredEventRow.OfAsync(first)).Select(r => r.EventId));
        Assert.Equal([other.EventId], (await StoredEventRow.OfAsync(second)).Select(r => r.EventId));
    }

    [Theory]
    [InlineData("GET", "/api/tenant", "api.get.api.tenant")]
    [InlineData("POST", "/api/brands/{brandId:guid}/answers", "api.post.api.brands.by_brand_id.answers")]
    [InlineData("get", "api/files/{**path}", "api.get.api.files.by_path")]
    [InlineData("DELETE", "/v2/2fa/{id?}", "api.delete.v2.n2fa.by_id")]
    [InlineData("GET", "/", "api.get.root")]
    [InlineData("PATCH", null, "api.patch.unmatched")]
    public void Route_templates_become_valid_event_types(string method, string? template, string expected)
    {
        var type = ApiRouteEventTypes.Of(method, template);

        Assert.Equal(expected, type);
        Assert.Null(StructuredEventValidator.Check(new StructuredEvent
        {
            EventId = Guid.NewGuid(), TenantId = TenantId.New(), Category = EventCategory.ApiLifecycle, EventType = type, Timestamp = DateTimeOffset.UtcNow,
        }, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Long_route_templates_are_cut_to_100_characters_and_stay_distinct()
    {
        var a = ApiRouteEventTypes.Of("GET", "/" + string.Join('/', Enumerable.Repeat("segment", 20)) + "/a");
        var b = ApiRouteEventTypes.Of("GET", "/" + string.Join('/', Enumerable.Repeat("segment", 20)) + "/b");

        Assert.InRange(a.Length, 1, 100);
        Assert.NotEqual(a, b);
    }
}
