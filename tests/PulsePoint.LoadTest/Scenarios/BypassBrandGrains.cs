using Npgsql;
using Orleans.Concurrency;
using PulsePoint.Brands;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.LoadTest.Scenarios;

/// <summary>
/// Benchmark only: <see cref="IBrandGrain.GetSummaryAsync"/>'s path without row-level security. Same key shape
/// (brand id + tenant extension), so the silo's call filter checks it the same way.
/// </summary>
public interface IBypassBrandGrain : ITenantScopedGrain
{
    Task<BrandSummary> GetSummaryAsync(DateRange range);
}

/// <summary>Benchmark only: <see cref="IBrandMetricsGrain.GetCrossBrandMetricsAsync"/>'s path without row-level security.</summary>
public interface IBypassBrandMetricsGrain : ITenantKeyedGrain
{
    Task<IReadOnlyList<BrandMetrics>> GetCrossBrandMetricsAsync(DateRange range);
}

/// <summary>
/// The brand grains' twins for the <c>-rls</c> scenarios' baselines. They live in the load driver and exist only in
/// its <c>--in-process</c> silo, never in a deployed one. Each does what its product grain does on a read — the call
/// filter, the tenant status check, the date-range check, the silo's query gate, one round trip — except that it runs
/// the SQL as the BYPASSRLS pipeline role with <c>WHERE tenant_id = $1</c> and no tenant setting. Measured against
/// them, the product grains' extra time is what row-level security costs; the grain hops are paid on both sides.
/// </summary>
internal static class BypassBrandReads
{
    public static async Task<T> ReadAsync<T>(
        IGrainFactory grains,
        BrandQueryGate gate,
        DataSources dataSources,
        TenantId tenant,
        string productSql,
        object[] values,
        Func<NpgsqlDataReader, Task<T>> read)
    {
        await ActiveTenantCheck.EnsureActiveAsync(grains, tenant);
        return await gate.RunAsync(async () =>
        {
            await using var command = BrandLoadData.BaselineCommand(dataSources.Pipeline, productSql, values);
            await using var reader = await command.ExecuteReaderAsync();
            return await read(reader);
        });
    }
}

internal sealed class BypassBrandGrain(BrandQueryGate gate, DataSources dataSources) : Grain, IBypassBrandGrain
{
    async Task<BrandSummary> IBypassBrandGrain.GetSummaryAsync(DateRange range)
    {
        var brand = this.GetPrimaryKey(out var extension);
        var tenant = TenantId.Parse(extension);
        BrandId.Validate(brand);
        range = range.Validated();
        return await BypassBrandReads.ReadAsync(
            GrainFactory, gate, dataSources, tenant, BrandSql.Summary,
            [tenant.Value, brand, range.Start, range.EndExclusive, range.From, range.To],
            reader => BrandRows.SummaryAsync(reader, brand, range, CancellationToken.None))
            ?? throw new BrandNotFoundException($"Brand {brand} was not found.");
    }
}

[StatelessWorker]
internal sealed class BypassBrandMetricsGrain(BrandQueryGate gate, DataSources dataSources) : Grain, IBypassBrandMetricsGrain
{
    async Task<IReadOnlyList<BrandMetrics>> IBypassBrandMetricsGrain.GetCrossBrandMetricsAsync(DateRange range)
    {
        var tenant = new TenantId(this.GetPrimaryKey());
        range = range.Validated();
        return await BypassBrandReads.ReadAsync(
            GrainFactory, gate, dataSources, tenant, BrandSql.CrossBrand,
            [tenant.Value, range.Start, range.EndExclusive, range.From, range.To],
            reader => BrandRows.CrossBrandAsync(reader, CancellationToken.None));
    }
}
