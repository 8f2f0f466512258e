using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
                services.TryAddSingleton<DuckDbWarehouse>();   // analytics reads through the same instance
                services.AddSingleton<IEventDestination>(sp => sp.GetRequiredService<DuckDbWarehouse>());
                services.AddHostedService<DuckDbWarehouseWriter>();
                break;
            case WarehouseDestinationKind.BigQuery:
                services.AddPulsePointBigQueryQueries(configuration);
                services.AddSingleton<BigQueryDestination>();
                services.AddSingleton<IEventDestination>(sp => sp.GetRequiredService<BigQueryDestination>());
                break;
            case WarehouseDestinationKind.None:
                break;
        }

        if (selection.Realtime == RealtimeDestinationKind.PubSub)
        {
            services.AddOptions<PubSubOptions>().Bind(configuration.GetSection(PubSubOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
            // Each attempt has its own timeout in the destination's retry pipeline; the client must not cut it shorter.
            services.AddHttpClient(PubSubDestination.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
            services.AddSingleton(sp =>
            {
                var options = sp.GetRequiredService<IOptions<PubSubOptions>>();
                var tokens = options.Value.EffectiveEmulatorHost is null
                    ? new GoogleApplicationDefaultTokenSource(GoogleApplicationDefaultTokenSource.PubSubScope)
                    : null;
                return new PubSubDestination(
                    sp.GetRequiredService<IHttpClientFactory>(), options, tokens,
                    sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PubSubDestination>>());
            });
            services.AddSingleton<IEventDestination>(sp => sp.GetRequiredService<PubSubDestination>());
        }

        return services;
    }

    /// <summary>
    /// Registers <see cref="BigQueryQueryClient"/> with its options, HTTP client and Application Default Credentials;
    /// shared by the BigQuery warehouse and the analytics reports, so either may be added first (or alone).
    /// </summary>
    public static IServiceCollection AddPulsePointBigQueryQueries(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(BigQueryQueryClient)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<BigQueryOptions>().Bind(configuration.GetSection(BigQueryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        // Each attempt has its own timeout in the retry pipeline; the client must not cut it shorter.
        services.AddHttpClient(BigQueryTransport.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddKeyedSingleton<IGoogleAccessTokenSource>(
            BigQueryDestination.TokenSourceKey, (_, _) => new GoogleApplicationDefaultTokenSource(GoogleApplicationDefaultTokenSource.BigQueryScope));
        services.AddSingleton<BigQueryQueryClient>();
        return services;
    }
}
