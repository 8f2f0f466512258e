using Microsoft.Extensions.Options;
using PulsePoint.Brands;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Demo;

/// <summary>Creates the demo tenants once the silo is up, then checks them (and an unknown id) continuously.</summary>
internal sealed partial class DemoTraffic(
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    IOptions<DemoOptions> options,
    ILogger<DemoTraffic> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The silo starts after this service; wait until the whole host is up before calling grains.
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            await started.Task;
        }

        foreach (var (id, name, active) in DemoTenants.All)
        {
            CallerTenant.Set(id);
            var tenant = grains.GetGrain<ITenantGrain>(id.Value);
            await tenant.CreateAsync(name);
            if (active) { await tenant.ActivateAsync(); } else { await tenant.DeactivateAsync(); }
        }

        CallerTenant.Clear();
        LogReady(logger, DemoTenants.All.Count);
        var delay = TimeSpan.FromSeconds(1.0 / Math.Clamp(options.Value.ChecksPerSecond, 1, 10_000));
        var unknown = TenantId.New();
        var brands = await DemoBrandsAsync();
        var range = DateRange.Create(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-29), DateOnly.FromDateTime(DateTime.UtcNow));
        for (var i = 0; !stoppingToken.IsCancellationRequested; i++)
        {
            var id = i % 10 == 9 ? unknown : DemoTenants.All[i % DemoTenants.All.Count].Id;
            CallerTenant.Set(id);
            await grains.GetGrain<ITenantGrain>(id.Value).GetStatusAsync();
            // Every fifth tick also asks a brand summary (30 days) of an active demo tenant's brand.
            if (i % 5 == 0 && brands.Count > 0)
            {
                var (tenant, brand) = brands[i / 5 % brands.Count];
                CallerTenant.Set(tenant);
                await grains.GetGrain<IBrandGrain>(brand, tenant.ToString()).GetSummaryAsync(range);
            }

            await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>The active demo tenants' brands, as seeded by <c>seed-demo --demo-tenants</c> (none if not seeded).</summary>
    private async Task<IReadOnlyList<(TenantId Tenant, Guid Brand)>> DemoBrandsAsync()
    {
        var all = new List<(TenantId, Guid)>();
        var lastYear = DateRange.Create(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-365), DateOnly.FromDateTime(DateTime.UtcNow));
        foreach (var (id, _, _) in DemoTenants.All.Where(t => t.Active))
        {
            CallerTenant.Set(id);
            var metrics = await grains.GetGrain<IBrandMetricsGrain>(id.Value).GetCrossBrandMetricsAsync(lastYear);
            all.AddRange(metrics.Select(m => (id, m.BrandId)));
        }

        CallerTenant.Clear();
        LogBrands(logger, all.Count);
        return all;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: {Count} brands of the active demo tenants get summary queries")]
    private static partial void LogBrands(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: {Count} tenants ready; generating tenant checks (see the dashboard)")]
    private static partial void LogReady(ILogger logger, int count);
}
