using Microsoft.Extensions.Options;
using PulsePoint.Billing;
using PulsePoint.Brands;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Demo;

/// <summary>
/// Creates the demo tenants once the silo is up, then checks them (and an unknown id) continuously,
/// asks brand summaries and records AI and API events (so usage, costs, alerts and the insights page
/// have data). The first demo tenant gets a low daily cost threshold, so its cost alerts fire.
/// </summary>
internal sealed partial class DemoTraffic(
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    IOptions<DemoOptions> options,
    IOptions<EventOptions> eventOptions,
    ILogger<DemoTraffic> logger) : BackgroundService
{
    /// <summary>Low enough that a few minutes of demo traffic cross 50%, 80% and 100%.</summary>
    private const decimal DemoCostThresholdUsd = 0.50m;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The silo starts after this service; wait until the whole host is up before calling grains.
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            await started.Task;
        }

        // Operator operations: this code runs in the silo, which signs them.
        foreach (var (id, name, active) in DemoTenants.All)
        {
            var tenant = grains.GetGrain<ITenantAdminGrain>(id.Value);
            await tenant.CreateAsync(name);
            if (active) { await tenant.ActivateAsync(); } else { await tenant.DeactivateAsync(); }
        }

        await grains.GetGrain<ITenantBillingAdminGrain>(DemoTenants.All[0].Id.Value).SetDailyCostThresholdAsync(DemoCostThresholdUsd);

        LogReady(logger, DemoTenants.All.Count);
        var delay = TimeSpan.FromSeconds(1.0 / Math.Clamp(options.Value.ChecksPerSecond, 1, 10_000));
        var unknown = TenantId.New();
        var brands = await DemoBrandsAsync();
        var range = DateRange.Create(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-29), DateOnly.FromDateTime(DateTime.UtcNow));
        var activeTenants = DemoTenants.All.Where(t => t.Active).Select(t => t.Id).ToArray();
        var events = new DemoEvents(new Random(42));
        for (var i = 0; !stoppingToken.IsCancellationRequested; i++)
        {
            try
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

                // Every fifth tick (offset) an active tenant records an AI answer and its API request.
                if (i % 5 == 2)
                {
                    var tenant = activeTenants[i / 5 % activeTenants.Length];
                    var brand = brands.Where(b => b.Tenant == tenant).Select(b => (Guid?)b.Brand).FirstOrDefault();
                    await RecordAsync(tenant, events.Next(tenant, brand));
                }
            }
            catch (Exception e) when (stoppingToken.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // The silo is stopping: calls fail with SiloUnavailableException; that is the end, not an error.
                LogStopped(logger, e.GetType().Name);
                return;
            }
            catch (Exception e)
            {
                // The demo keeps going through a database restart or a grain error; a second's pause.
                LogTickFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task RecordAsync(TenantId tenant, IReadOnlyList<StructuredEvent> batch)
    {
        try
        {
            await grains.AppendAsTenantAsync(eventOptions.Value.Shards, tenant, batch);
        }
        catch (Exception e) when (e is EventSinkUnavailableException or EventSinkOverloadedException)
        {
            // PostgreSQL is down or slow: the demo skips this batch and goes on.
            LogEventsSkipped(logger, e.Message);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo traffic stopped with the silo ({Reason})")]
    private static partial void LogStopped(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo traffic call failed; going on")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo: events not recorded: {Reason}")]
    private static partial void LogEventsSkipped(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: {Count} brands of the active demo tenants get summary queries")]
    private static partial void LogBrands(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: {Count} tenants ready; generating tenant checks, brand summaries and AI/API events (see /dashboard and /insights)")]
    private static partial void LogReady(ILogger logger, int count);
}
