using Orleans.Concurrency;
using PulsePoint.Tenancy;

namespace PulsePoint.Analytics;

/// <summary>
/// Stateless worker over <see cref="TenantAnalytics"/>: any silo may run it, as many activations as there is load.
/// With DuckDB it must run on the silo that writes the file (DuckDB admits one process per file), which is why the
/// DuckDB warehouse is for single-silo deployments; BigQuery has no such limit.
/// </summary>
[StatelessWorker]
internal sealed class AnalyticsGrain(TenantAnalytics analytics) : Grain, IAnalyticsGrain
{
    Task<AnalyticsAnswer<DailyModelUsage>> IAnalyticsGrain.GetDailyModelUsageAsync(TenantId tenant, AnalyticsRange range) =>
        analytics.DailyModelUsageAsync(Admit(tenant), range);

    Task<AnalyticsAnswer<EventTypeAccuracy>> IAnalyticsGrain.GetAccuracyAsync(TenantId tenant, AnalyticsRange range) =>
        analytics.AccuracyAsync(Admit(tenant), range);

    Task<AnalyticsAnswer<RouteLatency>> IAnalyticsGrain.GetLatencyAsync(TenantId tenant, AnalyticsRange range) =>
        analytics.LatencyAsync(Admit(tenant), range);

    Task<AnalyticsAnswer<DailyCost>> IAnalyticsGrain.GetDailyCostAsync(TenantId tenant, AnalyticsRange range) =>
        analytics.DailyCostAsync(Admit(tenant), range);

    Task<AnalyticsAnswer<EventTypeErrorRate>> IAnalyticsGrain.GetErrorRatesAsync(TenantId tenant, AnalyticsRange range) =>
        analytics.ErrorRatesAsync(Admit(tenant), range);

    // The tenant argument arrived over the wire: a default(TenantId) never passed TenantId's validation, and the
    // caller reads only the tenant of its own scope. Without a scope nothing is answered: any client could leave it out.
    private static TenantId Admit(TenantId tenant)
    {
        if (tenant.Value == Guid.Empty)
        {
            throw new InvalidTenantIdException("no tenant id was given");
        }

        if (CallerTenant.Current is not { } caller)
        {
            throw new TenantMismatchException("IAnalyticsGrain needs the caller's tenant; call it inside a tenant scope.");
        }

        if (caller != tenant)
        {
            throw new TenantMismatchException($"IAnalyticsGrain refused: tenant {caller} may not read the analytics of another tenant.");
        }

        return tenant;
    }
}
