using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using PulsePoint.Client.AspNetCore;

namespace PulsePoint.Client;

/// <summary>Connects a backend service to the PulsePoint cluster.</summary>
public static class PulsePointClientExtensions
{
    /// <summary>
    /// Adds an Orleans cluster client configured from <c>PulsePoint:Client</c> (then <paramref name="configure"/>),
    /// with tenant propagation. Inject <see cref="IClusterClient"/> or <see cref="IGrainFactory"/> to call grains.
    /// </summary>
    /// <exception cref="ArgumentException">The clustering mode is unknown or AdoNet lacks a connection string.</exception>
    public static IHostApplicationBuilder AddPulsePointClient(this IHostApplicationBuilder builder, Action<PulsePointClientOptions>? configure = null)
    {
        var options = new PulsePointClientOptions();
        builder.Configuration.GetSection(PulsePointClientOptions.Section).Bind(options);
        configure?.Invoke(options);
        builder.UseOrleansClient(client => client.ConfigurePulsePoint(options));
        builder.Services.AddPulsePointEventTracking();
        return builder;
    }

    /// <summary>
    /// Registers <see cref="EventTracker"/> (it asks the cluster for its event sink shard count)
    /// and what <c>UsePulsePointObservability()</c> needs, on top of an <see cref="IGrainFactory"/> registered
    /// elsewhere. <see cref="AddPulsePointClient"/> calls it; call it yourself only when you register the
    /// Orleans client another way.
    /// </summary>
    public static IServiceCollection AddPulsePointEventTracking(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new EventTracker(sp.GetRequiredService<IGrainFactory>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton<RequestEventRecorder>();
        return services;
    }

    /// <summary>
    /// Applies <paramref name="options"/> (clustering, cluster id), tenant propagation and W3C trace-context propagation
    /// (the current <see cref="System.Diagnostics.Activity"/> goes with each grain call, so PulsePoint's spans join the
    /// backend's trace) to an Orleans client builder.
    /// </summary>
    public static IClientBuilder ConfigurePulsePoint(this IClientBuilder client, PulsePointClientOptions options)
    {
        switch (options.Clustering)
        {
            case "Localhost":
                client.UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId);
                break;
            case "AdoNet":
                if (string.IsNullOrWhiteSpace(options.MembershipConnectionString))
                {
                    throw new ArgumentException("PulsePoint:Client:MembershipConnectionString is required with AdoNet clustering.", nameof(options));
                }

                client.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = options.MembershipConnectionString; });
                client.Configure<ClusterOptions>(o => { o.ClusterId = options.ClusterId; o.ServiceId = options.ServiceId; });
                break;
            default:
                throw new ArgumentException($"PulsePoint:Client:Clustering '{options.Clustering}' is not one of Localhost, AdoNet.", nameof(options));
        }

        if (options.EventStreams)
        {
            client.AddPulsePointEventStreams();
        }

        client.AddActivityPropagation();
        return client.AddPulsePointTenantPropagation();
    }

    /// <summary>Adds the stream provider that <see cref="EventSubscriptions.SubscribeToEventsAsync(IClusterClient, PulsePoint.Tenancy.TenantId, PulsePoint.Events.EventFilter, Func{PulsePoint.Events.StructuredEvent, Task})"/> listens on.</summary>
    public static IClientBuilder AddPulsePointEventStreams(this IClientBuilder client) =>
        client.AddMemoryStreams(PulsePoint.Events.EventStreams.ProviderName);

    /// <summary>Adds the outgoing filter that carries <see cref="TenantScope.Current"/> to the silos.</summary>
    public static IClientBuilder AddPulsePointTenantPropagation(this IClientBuilder client)
    {
        client.AddOutgoingGrainCallFilter<TenantPropagationFilter>();
        return client;
    }
}
