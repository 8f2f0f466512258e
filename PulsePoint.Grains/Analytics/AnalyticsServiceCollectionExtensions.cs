using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PulsePoint.Destinations;

namespace PulsePoint.Analytics;

/// <summary>Registers the analytics reports on the warehouse that <c>PulsePoint:Destinations:Warehouse</c> selects.</summary>
public static class AnalyticsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="TenantAnalytics"/> (used by <see cref="IAnalyticsGrain"/> and the insights page) and the warehouse
    /// dialect: DuckDB (default) reads through this process's <see cref="DuckDbWarehouse"/> — the same database instance
    /// the writer uses, so reads work while the silo writes — and BigQuery through <c>jobs.query</c>.
    /// </summary>
    public static IServiceCollection AddPulsePointAnalytics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AnalyticsOptions>().Bind(configuration.GetSection(AnalyticsOptions.BillingSection)).ValidateDataAnnotations().ValidateOnStart();
        var selection = configuration.GetSection(DestinationSelectionOptions.Section).Get<DestinationSelectionOptions>() ?? new DestinationSelectionOptions();
        switch (selection.Warehouse)
        {
            case WarehouseDestinationKind.DuckDb:
                // The destination registration adds the same singleton when the event pipeline is wired; TryAdd keeps one.
                services.AddOptions<DuckDbOptions>().Bind(configuration.GetSection(DuckDbOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
                services.TryAddSingleton(TimeProvider.System);
                services.TryAddSingleton<DuckDbWarehouse>();
                services.TryAddSingleton<IAnalyticsWarehouse>(sp =>
                {
                    var warehouse = sp.GetRequiredService<DuckDbWarehouse>();
                    return new DuckDbAnalyticsWarehouse(warehouse.OpenReadConnectionAsync);
                });
                break;
            case WarehouseDestinationKind.BigQuery:
                services.AddPulsePointBigQueryQueries(configuration);
                services.TryAddSingleton<IAnalyticsWarehouse, BigQueryAnalyticsWarehouse>();
                break;
            default:
                services.TryAddSingleton<IAnalyticsWarehouse>(new UnavailableAnalyticsWarehouse(selection.Warehouse));
                break;
        }

        services.TryAddSingleton<TenantAnalytics>();
        return services;
    }
}
