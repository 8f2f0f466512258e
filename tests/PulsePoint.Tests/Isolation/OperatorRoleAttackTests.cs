using System.Reflection;
using PulsePoint.Analytics;
using PulsePoint.ApiKeys;
using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Operators;
using PulsePoint.Tenancy;
using PulsePoint.Tests.HttpApi;

namespace PulsePoint.Tests.Isolation;

/// <summary>
/// The attack suite's role cases: a backend service's client (<see cref="BackendServiceFixture"/>), inside its own tenant's
/// scope, tries each operator operation on the real silo host and is refused, and the state it aimed at is unchanged. The
/// attacker is given the operator interfaces (this assembly sees them), as one who re-declares them with their aliases
/// would have them: what stops it is the silo's signature check, not the contracts it was shipped.
/// </summary>
[Collection(HttpSiloCollection.Name)]
public sealed class OperatorRoleAttackTests(HttpSiloFixture silo, BackendServiceFixture backend) : IClassFixture<BackendServiceFixture>
{
    [Fact]
    public async Task RoleAttack01_a_tenant_scoped_client_cannot_deactivate_its_tenant()
    {
        var tenant = await silo.CreateTenantAsync();

        await AsTenantAsync(tenant, g => g.GetGrain<ITenantAdminGrain>(tenant.Value).DeactivateAsync());

        Assert.Equal(TenantStatus.Active, await StatusAsync(tenant));
    }

    [Fact]
    public async Task RoleAttack02_a_tenant_scoped_client_cannot_reactivate_its_deactivated_tenant()
    {
        var tenant = await silo.CreateTenantAsync();
        await silo.SetActiveAsync(tenant, active: false);

        await AsTenantAsync(tenant, g => g.GetGrain<ITenantAdminGrain>(tenant.Value).ActivateAsync());

        Assert.Equal(TenantStatus.Inactive, await StatusAsync(tenant));
    }

    [Fact]
    public async Task RoleAttack03_a_tenant_scoped_client_cannot_create_a_tenant()
    {
        var made = TenantId.New();

        await AsTenantAsync(made, g => g.GetGrain<ITenantAdminGrain>(made.Value).CreateAsync("self-made"));

        Assert.Equal(TenantStatus.NotFound, await StatusAsync(made));
    }

    [Fact]
    public async Task RoleAttack04_a_tenant_scoped_client_cannot_change_its_cost_alert_threshold()
    {
        var tenant = await silo.CreateTenantAsync();

        await AsTenantAsync(tenant, g => g.GetGrain<ITenantBillingAdminGrain>(tenant.Value).SetDailyCostThresholdAsync(1_000_000m));

        Assert.NotEqual(1_000_000m, (await AsTenant(tenant, g => g.GetGrain<ITenantBillingGrain>(tenant.Value).GetCostCountersAsync())).DailyThresholdUsd);
    }

    [Fact]
    public async Task RoleAttack05_a_tenant_scoped_client_cannot_lift_or_raise_its_hard_budget()
    {
        var tenant = await silo.CreateTenantAsync();
        await silo.SetDailyBudgetAsync(tenant, 1m);

        await AsTenantAsync(tenant, g => g.GetGrain<ITenantBillingAdminGrain>(tenant.Value).SetDailyBudgetAsync(null));
        await AsTenantAsync(tenant, g => g.GetGrain<ITenantBillingAdminGrain>(tenant.Value).SetDailyBudgetAsync(1_000_000m));

        Assert.Equal(1m, (await AsTenant(tenant, g => g.GetGrain<ITenantBillingGrain>(tenant.Value).GetBudgetAsync())).DailyBudgetUsd);
        Assert.False((await AsTenant(tenant, g => g.GetGrain<ITenantBillingGrain>(tenant.Value).ReserveBudgetAsync(2m))).Granted);
    }

    [Fact]
    public async Task RoleAttack05b_a_tenant_scoped_client_cannot_lift_its_spend_limits_or_move_their_time_zone()
    {
        var tenant = await silo.CreateTenantAsync();
        var limit = new SpendLimit(SpendScope.User, "u1", SpendPeriod.Day, 1m);
        await silo.Grains.GetGrain<ITenantBillingAdminGrain>(tenant.Value).SetSpendLimitAsync(limit);

        await AsTenantAsync(tenant, g => g.GetGrain<ITenantBillingAdminGrain>(tenant.Value).RemoveSpendLimitAsync(limit.Scope, limit.Subject, limit.Period));
        await AsTenantAsync(tenant, g => g.GetGrain<ITenantBillingAdminGrain>(tenant.Value).SetSpendLimitAsync(limit with { LimitUsd = 1_000_000m }));
        await AsTenantAsync(tenant, g => g.GetGrain<ITenantBillingAdminGrain>(tenant.Value).SetTimeZoneAsync("Pacific/Kiritimati"));

        var limits = await AsTenant(tenant, g => g.GetGrain<ITenantBillingGrain>(tenant.Value).GetSpendLimitsAsync("u1"));
        Assert.Equal(1m, limits.Single().Limit.LimitUsd);
        Assert.False((await AsTenant(tenant, g => g.GetGrain<ITenantBillingGrain>(tenant.Value).ReserveAsync(new SpendRequest(2m, UserId: "u1")))).Granted);
        Assert.Equal("UTC", (await silo.Grains.GetGrain<ITenantBillingAdminGrain>(tenant.Value).ListSpendLimitsAsync()).TimeZone);
    }

    [Fact]
    public async Task RoleAttack06_a_tenant_scoped_client_cannot_feed_or_recount_its_usage_counters()
    {
        var tenant = await silo.CreateTenantAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var credit = new UsageBatch([new UsageLine(today, "gpt-4o", 1, 0, 0, 0, 0, 0, -1_000m, 0)], [], null);

        await AsTenantAsync(tenant, g => g.GetGrain<ITenantUsageFeed>(tenant.Value).AddUsageAsync(credit));
        await AsTenantAsync(tenant, g => g.GetGrain<ITenantUsageFeed>(tenant.Value).RecountAsync());

        Assert.Equal(0m, (await AsTenant(tenant, g => g.GetGrain<ITenantBillingGrain>(tenant.Value).GetCostCountersAsync())).CostUsd);
    }

    [Fact]
    public async Task RoleAttack07_a_tenant_scoped_client_cannot_check_or_revoke_api_keys_through_their_grains()
    {
        var tenant = await silo.CreateTenantAsync();
        var key = await silo.CreateKeyAsync(tenant);
        Assert.True(ApiKeySecret.TryParse(key, out var id, out var secret));

        // Checking secrets is the HTTP host's job, behind its per-address failure limit; a grain call would skip it.
        await AsTenantAsync(tenant, g => g.GetGrain<IApiKeyGrain>(id.ToString()).VerifyAsync(secret));
        // Revoking is key management: an operator's, or a tenant admin key's over HTTP, never a backend service's.
        await AsTenantAsync(tenant, g => g.GetGrain<IApiKeyGrain>(id.ToString()).RevokeAsync());

        Assert.Equal(System.Net.HttpStatusCode.OK, (await silo.Client(key).PostAsync("/v1/events",
            HttpEventsTests.Batch(HttpEventsTests.Event(Guid.CreateVersion7(), "user.interaction", "user.action")))).StatusCode);
    }

    [Fact]
    public async Task RoleAttack08_a_tenant_scoped_client_cannot_run_the_retention_job()
    {
        var tenant = await silo.CreateTenantAsync();

        await AsTenantAsync(tenant, g => g.GetGrain<IEventRetentionGrain>(0).RunAsync());
    }

    [Fact]
    public async Task RoleAttack09_a_client_without_a_tenant_scope_cannot_read_a_tenants_analytics()
    {
        var victim = await silo.CreateTenantAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        await AssertRefusedAsync(() => backend.Grains.GetGrain<IAnalyticsGrain>(0).GetDailyCostAsync(victim, AnalyticsRange.Days(today, today)));
    }

    [Fact]
    public async Task RoleAttack10_an_operator_marker_written_into_request_context_by_a_client_is_refused()
    {
        var tenant = await silo.CreateTenantAsync();

        using (TenantScope.Begin(tenant))
        {
            foreach (var forged in new[] { "operator", "v1.0.AAAA", $"v1.{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}.{Convert.ToBase64String(new byte[32])}" })
            {
                RequestContext.Set("pulsepoint-operator", forged);
                await AssertRefusedAsync(() => backend.Grains.GetGrain<ITenantAdminGrain>(tenant.Value).DeactivateAsync());
            }

            RequestContext.Remove("pulsepoint-operator");
        }

        Assert.Equal(TenantStatus.Active, await StatusAsync(tenant));
    }

    [Fact]
    public async Task RoleAttack11_an_operator_marker_made_for_another_call_with_another_key_or_long_ago_is_refused()
    {
        var tenant = await silo.CreateTenantAsync();
        var other = await silo.CreateTenantAsync();
        var key = await silo.QueryAsync("select key from operator_call_key", async r => { await r.ReadAsync(); return (byte[])r[0]; });
        var target = backend.Grains.GetGrain<ITenantAdminGrain>(tenant.Value);
        var now = DateTimeOffset.UtcNow;
        string For(ITenantAdminGrain grain, string method, byte[] withKey, DateTimeOffset at) =>
            OperatorSignature.Sign(withKey, grain.GetGrainId(), ((GrainReference)grain).InterfaceType, method, at);

        using (TenantScope.Begin(tenant))
        {
            foreach (var replayed in new[]
            {
                For(backend.Grains.GetGrain<ITenantAdminGrain>(other.Value), "DeactivateAsync", key, now),   // seen on another tenant's call
                For(target, "ActivateAsync", key, now),                                                        // seen on another method's call
                For(target, "DeactivateAsync", new byte[key.Length], now),                                     // made with a guessed key
                For(target, "DeactivateAsync", key, now - OperatorSignature.Lifetime - TimeSpan.FromMinutes(1)),  // kept for later
            })
            {
                RequestContext.Set(OperatorSignature.RequestContextKey, replayed);
                await AssertRefusedAsync(() => target.DeactivateAsync());
            }

            RequestContext.Remove(OperatorSignature.RequestContextKey);
        }

        Assert.Equal(TenantStatus.Active, await StatusAsync(tenant));
        Assert.Equal(TenantStatus.Active, await StatusAsync(other));

        // The control: the same client with the cluster's key — which only the pipeline role reads — is an operator.
        RequestContext.Set(OperatorSignature.RequestContextKey, For(target, "DeactivateAsync", key, DateTimeOffset.UtcNow));
        await target.DeactivateAsync();
        RequestContext.Remove(OperatorSignature.RequestContextKey);
        Assert.Equal(TenantStatus.Inactive, await StatusAsync(tenant));
    }

    [Fact]
    public void RoleAttack12_the_contracts_backend_services_compile_against_offer_tenant_work_only()
    {
        // A new method on a public grain interface is a decision: tenant work goes here, an operator's goes to an
        // IOperatorGrain interface in PulsePoint.Grains.
        string[] tenantWork =
        [
            "ITenantGrain.GetStatusAsync", "ITenantGrain.GetSnapshotAsync",
            "ITenantBillingGrain.GetCostCountersAsync", "ITenantBillingGrain.ReserveBudgetAsync", "ITenantBillingGrain.CommitBudgetAsync",
            "ITenantBillingGrain.ReleaseBudgetAsync", "ITenantBillingGrain.GetBudgetAsync", "ITenantBillingGrain.ReserveAsync",
            "ITenantBillingGrain.CommitSpendAsync", "ITenantBillingGrain.GetSpendLimitsAsync",
            "IUsageReportGrain.GetUsageReportAsync",
            "IBrandGrain.CreateAsync", "IBrandGrain.RenameAsync", "IBrandGrain.GetAsync", "IBrandGrain.GetSummaryAsync", "IBrandGrain.RecordOrderAsync",
            "IBrandGrain.RecordOrdersAsync", "IBrandGrain.RecordAdPerformanceAsync", "IBrandGrain.RecordAdPerformanceBatchAsync",
            "IBrandMetricsGrain.GetCrossBrandMetricsAsync",
            "IEventSinkGrain.AppendAsync", "IEventSinkGrain.AppendBatchAsync", "IEventShardsGrain.GetShardCountAsync",
            "IAnalyticsGrain.GetDailyModelUsageAsync", "IAnalyticsGrain.GetAccuracyAsync", "IAnalyticsGrain.GetLatencyAsync",
            "IAnalyticsGrain.GetDailyCostAsync", "IAnalyticsGrain.GetErrorRatesAsync",
            "IAlertChannelsGrain.AddAsync", "IAlertChannelsGrain.ListAsync", "IAlertChannelsGrain.GetDeliveriesAsync",
            "IAlertChannelsGrain.RemoveAsync", "IAlertChannelsGrain.TestAsync",
        ];
        var offered = typeof(ITenantGrain).Assembly.GetExportedTypes()
            .Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance).Select(m => $"{t.Name}.{m.Name}"))
            .Order()
            .ToArray();

        Assert.Equal(tenantWork.Order(), offered);
    }

    private async Task AsTenantAsync(TenantId tenant, Func<IGrainFactory, Task> attack)
    {
        using (TenantScope.Begin(tenant))
        {
            await AssertRefusedAsync(() => attack(backend.Grains));
        }
    }

    private async Task<T> AsTenant<T>(TenantId tenant, Func<IGrainFactory, Task<T>> read)
    {
        using (TenantScope.Begin(tenant))
        {
            return await read(backend.Grains);
        }
    }

    private static async Task AssertRefusedAsync(Func<Task> attack) => await Assert.ThrowsAnyAsync<UnauthorizedAccessException>(attack);

    private Task<TenantStatus> StatusAsync(TenantId tenant) => AsTenant(tenant, g => g.GetGrain<ITenantGrain>(tenant.Value).GetStatusAsync());
}
