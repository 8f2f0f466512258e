using PulsePoint.Brands;
using PulsePoint.Client;
using PulsePoint.Silo.Demo;

namespace PulsePoint.LoadTest.Scenarios;

/// <summary>
/// A brand's 30-day summary through the client, the call filter, BrandGrain and RLS, against either the very
/// same SQL (its explicit tenant_id = $1 filter) run directly as the BYPASSRLS pipeline role
/// (<c>brand-summary</c>: the whole cost of the grain path), or that SQL run by a twin grain on the same path
/// without RLS (<c>brand-summary-rls</c>: what RLS costs; see <see cref="BypassBrandGrain"/>). Run the
/// silo with PulsePoint__Brands__SummaryCacheTtl=00:00:00 to measure SQL rather than grain memory.
/// </summary>
public sealed class BrandSummaryScenario : Scenario
{
    private readonly bool _bypassGrain;
    private DemoDataPlan _plan = null!;

    private BrandSummaryScenario(bool bypassGrain) => _bypassGrain = bypassGrain;

    /// <summary>Baseline: the SQL straight from the driver.</summary>
    public static BrandSummaryScenario AgainstSql() => new(bypassGrain: false);

    /// <summary>Baseline: the SQL through the twin grain without RLS (needs --in-process).</summary>
    public static BrandSummaryScenario AgainstBypassGrain() => new(bypassGrain: true);

    public override string Name => _bypassGrain ? "brand-summary-rls" : "brand-summary";

    public override string Description => "BrandGrain.GetSummaryAsync, random brand and 30-day window, under RLS";

    public override bool Pairable => true;

    public override string? Baseline => _bypassGrain
        ? "the same grain path (call filter, status check, query gate) running the SQL with WHERE tenant_id = $1 as the BYPASSRLS pipeline role"
        : "the same summary SQL with WHERE tenant_id = $1 as the BYPASSRLS pipeline role";

    public override bool NeedsInProcess => _bypassGrain;

    public override async Task SetupAsync(LoadContext context, CancellationToken cancellationToken) =>
        _plan = await BrandLoadData.EnsureSeededAsync(context, cancellationToken);

    public override async Task RunOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        var (tenant, brand) = BrandLoadData.PickBrand(_plan, context, random);
        using (TenantScope.Begin(tenant))
        {
            var summary = await context.Client.GetGrain<IBrandGrain>(brand, tenant.ToString()).GetSummaryAsync(BrandLoadData.PickRange(random));
            if (summary.BrandId != brand)
            {
                throw new InvalidOperationException("summary of another brand");
            }
        }
    }

    public override async Task RunBaselineOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        var (tenant, brand) = BrandLoadData.PickBrand(_plan, context, random);
        var range = BrandLoadData.PickRange(random);
        if (_bypassGrain)
        {
            using (TenantScope.Begin(tenant))
            {
                var summary = await context.Client.GetGrain<IBypassBrandGrain>(brand, tenant.ToString()).GetSummaryAsync(range);
                if (summary.BrandId != brand)
                {
                    throw new InvalidOperationException("summary of another brand");
                }
            }

            return;
        }

        await using var command = BrandLoadData.BaselineCommand(
            context.Pipeline, BrandSql.Summary, tenant.Value, brand, range.Start, range.EndExclusive, range.From, range.To);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("no such brand");
        }
    }
}
