using Npgsql;
using PulsePoint.Brands;
using PulsePoint.Silo.Demo;
using PulsePoint.Storage;

namespace PulsePoint.LoadTest.Scenarios;

/// <summary>
/// The RLS cost alone, without the grain hop: the brand summary and cross-brand SQL (alternating)
/// through <see cref="TenantDatabase.ReadAsync{T}"/> as the application role (tenant setting + query in
/// one round trip, RLS filtering), against the same SQL as the BYPASSRLS pipeline role.
/// </summary>
public sealed class BrandSqlUnderRlsScenario : Scenario
{
    private DemoDataPlan _plan = null!;
    private TenantDatabase _database = null!;

    public override string Name => "brand-sql-rls";

    public override string Description => "brand summary / cross-brand SQL (alternating) as the application role through TenantDatabase, RLS on";

    public override bool Pairable => true;

    public override string? Baseline => "the same SQL with WHERE tenant_id = $1 as the BYPASSRLS pipeline role";

    public override async Task SetupAsync(LoadContext context, CancellationToken cancellationToken)
    {
        _plan = await BrandLoadData.EnsureSeededAsync(context, cancellationToken);
        _database = new TenantDatabase(context.Application, TenantContextSigner.Create(
            new DatabaseOptions { TenantContextKey = Environment.GetEnvironmentVariable("PulsePoint__Database__TenantContextKey") }, TimeProvider.System));
    }

    public override Task RunOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        var (tenant, brand, range, summary) = Pick(context, random);
        return _database.ReadAsync(
            tenant,
            summary ? BrandSql.Summary : BrandSql.CrossBrand,
            command =>
            {
                if (summary)
                {
                    command.Bind(brand);
                }

                command.Bind(range.Start).Bind(range.EndExclusive).Bind(range.From).Bind(range.To);
            },
            (reader, ct) => DrainAsync(reader, ct),
            cancellationToken);
    }

    public override async Task RunBaselineOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        var (tenant, brand, range, summary) = Pick(context, random);
        await using var command = summary
            ? BrandLoadData.BaselineCommand(context.Pipeline, BrandSql.Summary, tenant.Value, brand, range.Start, range.EndExclusive, range.From, range.To)
            : BrandLoadData.BaselineCommand(context.Pipeline, BrandSql.CrossBrand, tenant.Value, range.Start, range.EndExclusive, range.From, range.To);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await DrainAsync(reader, cancellationToken);
    }

    private (Tenancy.TenantId Tenant, Guid Brand, DateRange Range, bool Summary) Pick(LoadContext context, Random random)
    {
        var (tenant, brand) = BrandLoadData.PickBrand(_plan, context, random);
        return (tenant, brand, BrandLoadData.PickRange(random), random.Next(2) == 0);
    }

    private static async Task<int> DrainAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            rows++;
        }

        return rows > 0 ? rows : throw new InvalidOperationException("no rows");
    }
}
