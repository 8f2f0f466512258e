using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PulsePoint.Brands;
using PulsePoint.Events;
using PulsePoint.Billing;
using PulsePoint.Alerts;
using PulsePoint.Analytics;
using PulsePoint.ApiKeys;
using PulsePoint.Operators;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint;

/// <summary>Registers PulsePoint's grains' services on a silo; shared by the host and the test clusters.</summary>
public static class PulsePointSiloBuilderExtensions
{
    /// <summary>
    /// Adds the data sources, the tenant-scoped database helper, tenancy options and metrics, the API key store, the
    /// incoming tenant call filter and the operator call filter and signer, bound from <paramref name="configuration"/> (keys under <c>PulsePoint:</c>).
    /// </summary>
    public static ISiloBuilder AddPulsePointGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TenancyOptions>().Bind(configuration.GetSection(TenancyOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<DataSources>();
        services.AddSingleton(sp =>
        {
            var sources = sp.GetRequiredService<DataSources>();
            return new TenantDatabase(sources.Application, sources.TenantContext);
        });
        services.AddKeyedSingleton(TenantDatabase.Background, (sp, _) =>
        {
            var sources = sp.GetRequiredService<DataSources>();
            return new TenantDatabase(sources.Background, sources.TenantContext);
        });
        services.AddSingleton<TenantMetrics>();
        services.AddOptions<ApiKeyOptions>().Bind(configuration.GetSection(ApiKeyOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<ApiKeyMetrics>();
        services.AddSingleton(TimeProvider.System);
        services.AddPulsePointAnalytics(configuration);
        silo.AddIncomingGrainCallFilter<TenantCallFilter>();
        // Operator operations: refused without the cluster's operator signature, which the silo adds to its own calls.
        services.AddSingleton(sp => new OperatorCallKey(() => sp.GetRequiredService<DataSources>().Pipeline));
        silo.AddIncomingGrainCallFilter<OperatorCallFilter>();
        silo.AddOutgoingGrainCallFilter<OperatorCallSigner>();
        // W3C trace context from callers into grains and on to the grains they call (PulsePoint's spans join the caller's trace).
        silo.AddActivityPropagation();
        silo.AddPulsePointBrands(configuration);
        silo.AddPulsePointEvents(configuration);
        silo.AddPulsePointBilling(configuration);
        silo.AddPulsePointAlerts(configuration);
        return silo;
    }
}
