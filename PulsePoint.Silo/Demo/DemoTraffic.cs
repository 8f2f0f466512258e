using Microsoft.Extensions.Options;
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
        for (var i = 0; !stoppingToken.IsCancellationRequested; i++)
        {
            var id = i % 10 == 9 ? unknown : DemoTenants.All[i % DemoTenants.All.Count].Id;
            CallerTenant.Set(id);
            await grains.GetGrain<ITenantGrain>(id.Value).GetStatusAsync();
            await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: {Count} tenants ready; generating tenant checks (see the dashboard)")]
    private static partial void LogReady(ILogger logger, int count);
}
