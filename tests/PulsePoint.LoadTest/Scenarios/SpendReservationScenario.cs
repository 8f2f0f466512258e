using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Tenancy;

namespace PulsePoint.LoadTest.Scenarios;

/// <summary>
/// A backend's reservation before an AI call and its commit after, for one of 100 users and 5 features, inside the
/// tenant's billing grain under the daily budget and four spend limits (tenant per month, each user per day, each
/// feature per minute in USD and tokens), against the same reservation and commit under the daily budget alone: the
/// same grain, calls and storage writes, so the ratio is what checking and holding the limits costs.
/// </summary>
public sealed class SpendReservationScenario : Scenario
{
    private const decimal Large = 1_000_000_000m;

    public override string Name => "reserve";

    public override string Description => "ITenantBillingGrain.ReserveAsync + CommitSpendAsync for a user and feature under four spend limits and the daily budget";

    public override string? Baseline => "the same reserve and commit under the daily budget alone (same grain, same storage writes)";

    public override async Task SetupAsync(LoadContext context, CancellationToken cancellationToken)
    {
        await TenantCheckScenario.CreateTenantsAsync(context, cancellationToken);
        var options = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(context.Tenants, options, async (tenant, _) =>
        {
            var admin = context.Client.GetGrain<ITenantBillingAdminGrain>(tenant.Value);
            await admin.SetDailyBudgetAsync(Large);
            await admin.SetSpendLimitAsync(new SpendLimit(SpendScope.Tenant, "", SpendPeriod.Month, Large));
            await admin.SetSpendLimitAsync(new SpendLimit(SpendScope.User, SpendLimit.EachSubject, SpendPeriod.Day, Large));
            await admin.SetSpendLimitAsync(new SpendLimit(SpendScope.Feature, SpendLimit.EachSubject, SpendPeriod.Minute, Large, long.MaxValue / 2));
            await admin.SetSpendLimitAsync(new SpendLimit(SpendScope.Feature, SpendLimit.EachSubject, SpendPeriod.Day, Large));
        });
        await Parallel.ForEachAsync(context.BaselineTenants, options, async (tenant, _) =>
        {
            await context.Client.GetGrain<ITenantAdminGrain>(tenant.Value).CreateAsync($"load baseline tenant {tenant.Value.ToString()[..8]}");
            await context.Client.GetGrain<ITenantBillingAdminGrain>(tenant.Value).SetDailyBudgetAsync(Large);
        });
    }

    public override async Task RunOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        var tenant = context.PickTenant(random);
        var request = new SpendRequest(0.001m, 100, UserId: "u" + random.Next(100), Feature: "f" + random.Next(5));
        using (TenantScope.Begin(tenant))
        {
            var grain = context.Client.GetGrain<ITenantBillingGrain>(tenant.Value);
            var hold = await grain.ReserveAsync(request);
            await grain.CommitSpendAsync(Granted(hold), 0.001m, 100);
        }
    }

    public override async Task RunBaselineOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        var tenant = context.PickBaselineTenant(random);
        using (TenantScope.Begin(tenant))
        {
            var grain = context.Client.GetGrain<ITenantBillingGrain>(tenant.Value);
            var hold = await grain.ReserveBudgetAsync(0.001m);
            await grain.CommitBudgetAsync(Granted(hold), 0.001m);
        }
    }

    private static Guid Granted(BudgetReservation hold) =>
        hold is { Granted: true, ReservationId: { } id } ? id : throw new InvalidOperationException($"reservation denied: {hold.DeniedBy}");
}
