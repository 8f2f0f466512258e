using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using PulsePoint.Events;

namespace PulsePoint.Destinations;

/// <summary>
/// The one place that turns <c>PulsePoint:Destinations</c> into <see cref="IEventDestination"/>
/// registrations. The outbox relay delivers to every registered destination, each with its own cursor
/// (its <see cref="IEventDestination.Name"/>). To add an adapter, add a case here.
/// </summary>
public static class EventDestinationRegistration
{
    public static ISiloBuilder AddEventDestinations(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = configuration.GetSection(EventDestinationOptions.Section).Get<EventDestinationOptions>() ?? new EventDestinationOptions();
        switch (options.Realtime)
        {
            case "OrleansStream":
                silo.AddEventStreams();
                silo.Services.AddSingleton<IEventDestination, OrleansStreamDestination>();
                break;
            case "None":
                break;
            default:
                throw new InvalidOperationException($"PulsePoint:Destinations:Realtime '{options.Realtime}' is not one of OrleansStream, None.");
        }

        switch (options.Warehouse)
        {
            case "None":
                break;
            default:
                throw new InvalidOperationException($"PulsePoint:Destinations:Warehouse '{options.Warehouse}' is not one of None.");
        }

        return silo;
    }

    /// <summary>
    /// The in-cluster event stream provider (memory streams; pub/sub state in memory grain storage, since
    /// subscriptions are re-made by subscribers after a restart anyway).
    /// </summary>
    public static ISiloBuilder AddEventStreams(this ISiloBuilder silo)
    {
        silo.AddMemoryStreams(EventStreams.ProviderName);
        silo.AddMemoryGrainStorage("PubSubStore");
        return silo;
    }
}
