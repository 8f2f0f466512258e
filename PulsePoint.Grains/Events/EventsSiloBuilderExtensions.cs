using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PulsePoint.Billing;
using PulsePoint.Destinations;

namespace PulsePoint.Events;

/// <summary>Registers the event pipeline on a silo: sink shards, compliance store, retention, outbox relay, destinations.</summary>
public static class EventsSiloBuilderExtensions
{
    /// <summary>
    /// Adds the event sink and its PostgreSQL store (pipeline role), the retention job, the outbox relay with
    /// the destinations chosen by <c>PulsePoint:Destinations</c>, lag metrics and the <c>event-relay</c>
    /// readiness check (tag <c>ready</c>). Options from <c>PulsePoint:Events</c>.
    /// </summary>
    public static ISiloBuilder AddPulsePointEvents(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        services.AddOptions<EventOptions>().Bind(configuration.GetSection(EventOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<EventStore>();
        // Cost alerts are events too; TryAdd so a test can record them instead.
        services.TryAddSingleton<IBillingEventPublisher, EventStoreBillingPublisher>();
        services.AddSingleton<EventMetrics>();
        services.AddSingleton<DestinationCursorStore>();
        services.AddSingleton<RelayLagMonitor>();
        services.AddSingleton<OutboxRelayFactory>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, EventRetentionStartup>();
        services.AddSingleton<EventSinkDrain>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<EventSinkDrain>());
        services.AddHealthChecks().AddCheck<RelayLagHealthCheck>("event-relay", tags: ["ready"]);
        silo.AddEventDestinations(configuration);
        return silo;
    }
}
