using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PulsePoint.Storage;

namespace PulsePoint.Alerts;

/// <summary>Registers alert delivery on a silo: options, channel store, outbox, sender and the delivery worker.</summary>
public static class AlertsSiloBuilderExtensions
{
    /// <summary>Adds alert delivery, options from <c>PulsePoint:Alerts</c>; the worker runs on every silo unless <c>DeliveryEnabled</c> is false.</summary>
    public static ISiloBuilder AddPulsePointAlerts(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection(AlertOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ChannelSecrets>();
        services.AddSingleton<AlertDeliverySignal>();
        services.AddSingleton(sp => new AlertChannelStore(sp.GetRequiredService<TenantDatabase>(), sp.GetRequiredService<ChannelSecrets>()));
        services.AddSingleton(sp => new AlertOutbox(sp.GetRequiredService<TenantDatabase>(), sp.GetRequiredService<AlertDeliverySignal>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AlertDeliveryQueue>();
        services.AddSingleton<AlertSender>();
        services.AddHostedService<AlertDeliveryWorker>();
        return silo;
    }
}
