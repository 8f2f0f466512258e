using Npgsql;
using Orleans.Concurrency;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Brands;

/// <summary>
/// Cross-brand metrics of one tenant (key: tenant id).
/// </summary>
/// <remarks>
/// Why a grain of its own rather than <c>TenantGrain</c>: the tenant grain answers every status check
/// of the tenant from memory and is not reentrant, so a multi-second aggregate over the tenant's
/// orders there would stall the tenant's status checks (and with them every event and brand call).
/// This grain holds no state, so it is a stateless worker: concurrent metric queries of one tenant run
/// in parallel, up to one activation per core per silo (each runs one query at a time, so a tenant holds
/// at most that many connections per silo). It keeps no
/// cache: brand writes would have to reach every activation to invalidate it.
/// </remarks>
[StatelessWorker]
internal sealed class BrandMetricsGrain(TenantDatabase database, BrandQueryGate gate) : Grain, IBrandMetricsGrain
{
    async Task<IReadOnlyList<BrandMetrics>> IBrandMetricsGrain.GetCrossBrandMetricsAsync(DateRange range)
    {
        // The call filter matched the key to the caller; TenantId refuses the empty UUID.
        var tenant = new TenantId(this.GetPrimaryKey());
        await ActiveTenantCheck.EnsureActiveAsync(GrainFactory, tenant);
        range = (range ?? throw new InvalidDateRangeException("Invalid date range: none was given.")).Validated();
        try
        {
            return await gate.RunAsync(() => QueryAsync(tenant, range));
        }
        catch (NpgsqlException e)
        {
            throw new BrandStorageException($"The brand store failed: {e.Message}");
        }
    }

    private Task<IReadOnlyList<BrandMetrics>> QueryAsync(TenantId tenant, DateRange range) =>
        database.ReadAsync<IReadOnlyList<BrandMetrics>>(
            tenant,
            BrandSql.CrossBrand,
            command => command.Bind(range.Start).Bind(range.EndExclusive).Bind(range.From).Bind(range.To),
            BrandRows.CrossBrandAsync);
}
