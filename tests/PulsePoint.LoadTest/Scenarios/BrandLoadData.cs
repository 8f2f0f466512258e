using Npgsql;
using PulsePoint.Brands;
using PulsePoint.Silo.Demo;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.LoadTest.Scenarios;

/// <summary>
/// The seeded data the brand scenarios query: the load's tenants (<c>--tenants</c>, from the seed), each
/// with <c>--brands</c> brands and <c>PULSEPOINT_LOAD_ORDERS</c> orders (default 20,000) over 90 days
/// ending 2026-10-31, loaded by <see cref="DemoDataSeeder"/> (binary COPY; tenants that already
/// have brands are skipped, so re-runs reuse it). Queries ask random 30-day windows inside it.
/// </summary>
public static class BrandLoadData
{
    public const int Days = 90;

    public static readonly DateOnly Until = new(2026, 10, 31);

    private static readonly SemaphoreSlim Seeding = new(1, 1);

    public static int OrdersPerTenant =>
        int.TryParse(Environment.GetEnvironmentVariable("PULSEPOINT_LOAD_ORDERS"), out var n) && n >= 0 ? n : 20_000;

    public static async Task<DemoDataPlan> EnsureSeededAsync(LoadContext context, CancellationToken cancellationToken)
    {
        // Each brand scenario calls this; after the first, every tenant is skipped with one query.
        var plan = new DemoDataPlan(context.Tenants.Count, context.Options.Brands, OrdersPerTenant, Days, context.Options.Seed, Until,
            context.Tenants.Select(t => (t, $"load tenant {t.Value.ToString()[..8]}")).ToArray());
        await Seeding.WaitAsync(cancellationToken);
        try
        {
            await DemoDataSeeder.SeedAsync(context.Pipeline, plan, Console.Error, cancellationToken);
            return plan;
        }
        finally
        {
            Seeding.Release();
        }
    }

    public static (TenantId Tenant, Guid Brand) PickBrand(DemoDataPlan plan, LoadContext context, Random random)
    {
        var tenant = context.PickTenant(random);
        var brands = DemoDataSeeder.BrandIds(plan, tenant);
        return (tenant, brands[random.Next(brands.Count)]);
    }

    /// <summary>
    /// A brand query as the baseline runs it under the BYPASSRLS role: the defensive tenant filter as the
    /// plain <c>tenant_id = $1</c>. The cross-brand query writes it as <c>tenant_id between $1 and $1</c> (see
    /// <see cref="BrandSql"/>), which is an index condition only together with the RLS policy's equality;
    /// without a policy that form would scan every row of the tenant and slow the baseline down.
    /// </summary>
    public static string Baseline(string productSql)
    {
        var sql = productSql.Replace("tenant_id between $1 and $1", "tenant_id = $1", StringComparison.Ordinal);
        return sql.Contains("tenant_id = $1", StringComparison.Ordinal)
            ? sql
            : throw new InvalidOperationException("the brand query no longer has the defensive tenant filter the baseline relies on");
    }

    /// <summary>The baseline's command: <see cref="Baseline"/> of <paramref name="productSql"/> with <paramref name="values"/> bound as $1, $2, ...</summary>
    public static NpgsqlCommand BaselineCommand(NpgsqlDataSource pipeline, string productSql, params object[] values)
    {
        var command = pipeline.CreateCommand(Baseline(productSql));
        foreach (var value in values)
        {
            command.Bind(value);
        }

        return command;
    }

    public static DateRange PickRange(Random random)
    {
        var to = Until.AddDays(-random.Next(Days - 30));
        return DateRange.Create(to.AddDays(-29), to);
    }
}
