using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using PulsePoint.Events;

namespace PulsePoint.Destinations;

/// <summary>
/// The one place that turns <c>PulsePoint:Destinations</c> into <see cref="IEventDestination"/>
/// registrations. The outbox relay delivers to every registered destination, each with its own cursor
/// (its <see cref="IEventDestination.Name"/>). The in-cluster stream is registered here; the adapters
/// that talk to other systems (DuckDB, BigQuery, Pub/Sub) by <see cref="DestinationAdapterServiceCollectionExtensions"/>.
/// </summary>
public static class EventDestinationRegistration
{
    public static ISiloBuilder AddEventDestinations(this ISiloBuilder silo, IConfiguration configuration)
    {
        var selection = configuration.GetSection(DestinationSelectionOptions.Section).Get<DestinationSelectionOptions>()
            ?? new DestinationSelectionOptions();
        if (selection.Realtime == RealtimeDestinationKind.OrleansStream)
        {
            silo.AddEventStreams();
            silo.Services.AddSingleton<IEventDestination, OrleansStreamDestination>();
        }

        silo.Services.AddPulsePointDestinationAdapters(configuration);
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
