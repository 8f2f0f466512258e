using Npgsql;
using PulsePoint.Brands;
using PulsePoint.Client;
using PulsePoint.Silo.Demo;

namespace PulsePoint.LoadTest.Scenarios;

/// <summary>
/// A tenant's 30-day cross-brand metrics through the client, BrandMetricsGrain and RLS, against the same
/// SQL (explicit tenant_id = $1) run directly as the BYPASSRLS pipeline role.
/// </summary>
public sealed class CrossBrandMetricsScenario : Scenario
{
    private DemoDataPlan _plan = null!;

    public override string Name => "cross-brand";

    public override string Description => "BrandMetricsGrain.GetCrossBrandMetricsAsync, random tenant and 30-day window, under RLS";

    public override string? Baseline => "the same cross-brand SQL with WHERE tenant_id = $1 as the BYPASSRLS pipeline role";

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
        await using var command = context.Pipeline.CreateCommand(BrandLoadData.Baseline(BrandSql.CrossBrand));
        foreach (var value in new object[] { tenant.Value, range.Start, range.EndExclusive, range.From, range.To })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

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
