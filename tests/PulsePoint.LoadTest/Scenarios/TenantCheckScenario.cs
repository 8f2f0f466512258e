using Npgsql;
using PulsePoint.Client;
using PulsePoint.Tenancy;

namespace PulsePoint.LoadTest.Scenarios;

/// <summary>
/// "Is this tenant active?" through the client and the tenant grain's memory, against a direct
/// PostgreSQL lookup of the same row. Also counts the database loads the grains made.
/// </summary>
public sealed class TenantCheckScenario : Scenario
{
    private const string LookupSql = "select status from tenants where id = $1";
    private long _loadsBefore;

    public override string Name => "tenant-check";

    public override string Description => "TenantGrain.GetStatusAsync through the client (answered from grain memory)";

    public override bool Pairable => true;

    public override string? Baseline => "direct PostgreSQL lookup: select status from tenants where id = $1";

    public override Task SetupAsync(LoadContext context, CancellationToken cancellationToken) => CreateTenantsAsync(context, cancellationToken);

    /// <summary>
    /// Creates the load's tenants through their tenant grains (idempotent). Scenarios that track events call it too: a
    /// backend service tracks events of tenants that exist, and only those have live cost counters to reconcile.
    /// </summary>
    public static async Task CreateTenantsAsync(LoadContext context, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(context.Tenants, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (tenant, _) =>
        {
            await context.Client.GetGrain<ITenantAdminGrain>(tenant.Value).CreateAsync($"load tenant {tenant.Value.ToString()[..8]}");
        });
    }

    public override async Task BeforeMeasuredRunAsync(LoadContext context, CancellationToken cancellationToken) =>
        _loadsBefore = await SumCheckLoadsAsync(context);

    public override async Task RunOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        var status = await context.Client.GetTenantStatusAsync(context.PickTenant(random));
        if (status != TenantStatus.Active)
        {
            throw new InvalidOperationException($"expected an active tenant, got {status}");
        }
    }

    public override async Task RunBaselineOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        await using var command = context.Pipeline.CreateCommand(LookupSql);
        command.Parameters.Add(new NpgsqlParameter { Value = context.PickTenant(random).Value });
        if (await command.ExecuteScalarAsync(cancellationToken) is not "active")
        {
            throw new InvalidOperationException("expected an active tenant row");
        }
    }

    public override async Task<IReadOnlyDictionary<string, double>> ExtraFiguresAsync(LoadContext context, long operations, CancellationToken cancellationToken)
    {
        var loads = await SumCheckLoadsAsync(context) - _loadsBefore;
        return new Dictionary<string, double>
        {
            ["db_loads"] = loads,
            ["db_loads_per_1000_checks"] = operations == 0 ? 0 : loads * 1000.0 / operations,
            ["served_without_postgresql_pct"] = operations == 0 ? 0 : 100.0 * (operations - loads) / operations,
        };
    }

    /// <summary>Loads caused by calls (activation, writes) — the refresh timer's periodic reads are not check-driven.</summary>
    private static async Task<long> SumCheckLoadsAsync(LoadContext context)
    {
        long total = 0;
        foreach (var tenant in context.Tenants)
        {
            using (TenantScope.Begin(tenant))
            {
                var snapshot = await context.Client.GetGrain<ITenantGrain>(tenant.Value).GetSnapshotAsync();
                total += snapshot.DatabaseLoads - snapshot.TimerRefreshes;
            }
        }

        return total;
    }
}
