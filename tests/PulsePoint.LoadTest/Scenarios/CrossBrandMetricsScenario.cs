using PulsePoint.Brands;
using PulsePoint.Client;
using PulsePoint.Silo.Demo;

namespace PulsePoint.LoadTest.Scenarios;

/// <summary>
/// A tenant's 30-day cross-brand metrics through the client, BrandMetricsGrain and RLS, against either the same
/// SQL (explicit tenant_id = $1) run directly as the BYPASSRLS pipeline role (<c>cross-brand</c>: the whole cost
/// of the grain path), or that SQL run by a twin grain on the same path without RLS (<c>cross-brand-rls</c>:
/// what RLS costs; see <see cref="BypassBrandMetricsGrain"/>).
/// </summary>
public sealed class CrossBrandMetricsScenario : Scenario
{
    private readonly bool _bypassGrain;
    private DemoDataPlan _plan = null!;

    private CrossBrandMetricsScenario(bool bypassGrain) => _bypassGrain = bypassGrain;

    /// <summary>Baseline: the SQL straight from the driver.</summary>
    public static CrossBrandMetricsScenario AgainstSql() => new(bypassGrain: false);

    /// <summary>Baseline: the SQL through the twin grain without RLS (needs --in-process).</summary>
    public static CrossBrandMetricsScenario AgainstBypassGrain() => new(bypassGrain: true);

    public override string Name => _bypassGrain ? "cross-brand-rls" : "cross-brand";

    public override string Description => "BrandMetricsGrain.GetCrossBrandMetricsAsync, random tenant and 30-day window, under RLS";

    public override bool Pairable => true;

    public override string? Baseline => _bypassGrain
        ? "the same grain path (call filter, status check, query gate) running the SQL with WHERE tenant_id = $1 as the BYPASSRLS pipeline role"
        : "the same cross-brand SQL with WHERE tenant_id = $1 as the BYPASSRLS pipeline role";

    public override bool NeedsInProcess => _bypassGrain;

    public override async Task SetupAsync(LoadContext context, CancellationToken cancellationToken) =>
        _plan = await BrandLoadData.EnsureSeededAsync(context, cancellationToken);

    public override async Task RunOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        var tenant = context.PickTenant(random);
        using (TenantScope.Begin(tenant))
        {
            var rows = await context.Client.GetGrain<IBrandMetricsGrain>(tenant.Value).GetCrossBrandMetricsAsync(BrandLoadData.PickRange(random));
            if (rows.Count != _plan.BrandsPerTenant)
            {
                throw new InvalidOperationException($"expected {_plan.BrandsPerTenant} brands, got {rows.Count}");
            }
        }
    }

    public override async Task RunBaselineOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        var tenant = context.PickTenant(random);
        var range = BrandLoadData.PickRange(random);
        if (_bypassGrain)
        {
            using (TenantScope.Begin(tenant))
            {
                var metrics = await context.Client.GetGrain<IBypassBrandMetricsGrain>(tenant.Value).GetCrossBrandMetricsAsync(range);
                if (metrics.Count != _plan.BrandsPerTenant)
                {
                    throw new InvalidOperationException($"expected {_plan.BrandsPerTenant} brands, got {metrics.Count}");
                }
            }

            return;
        }

        await using var command = BrandLoadData.BaselineCommand(
            context.Pipeline, BrandSql.CrossBrand, tenant.Value, range.Start, range.EndExclusive, range.From, range.To);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            rows++;
        }

        if (rows != _plan.BrandsPerTenant)
        {
            throw new InvalidOperationException($"expected {_plan.BrandsPerTenant} brands, got {rows}");
        }
    }
}
