using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PulsePoint.Destinations;

/// <summary>Registers the destination adapters that configuration selects.</summary>
public static class DestinationAdapterServiceCollectionExtensions
{
    /// <summary>
    /// Registers, as <see cref="IEventDestination"/>, the warehouse selected by <c>PulsePoint:Destinations:Warehouse</c>
    /// (DuckDb by default, BigQuery, or None) and the Google Pub/Sub real-time destination when
    /// <c>PulsePoint:Destinations:Realtime</c> is <c>PubSub</c>. The default real-time destination, the Orleans
    /// stream, is registered by the event sink, not here. Options are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddPulsePointDestinationAdapters(this IServiceCollection services, IConfiguration configuration)
    {
        var selectionSection = configuration.GetSection(DestinationSelectionOptions.Section);
        var selection = selectionSection.Get<DestinationSelectionOptions>() ?? new DestinationSelectionOptions();
        services.AddOptions<DestinationSelectionOptions>().Bind(selectionSection).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        switch (selection.Warehouse)
        {
            case WarehouseDestinationKind.DuckDb:
                services.AddOptions<DuckDbOptions>().Bind(configuration.GetSection(DuckDbOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
                services.AddSingleton<DuckDbWarehouse>();
                services.AddSingleton<IEventDestination>(sp => sp.GetRequiredService<DuckDbWarehouse>());
                services.AddHostedService<DuckDbWarehouseWriter>();
                break;
            case WarehouseDestinationKind.None:
                break;
        }

        return services;
    }
}
