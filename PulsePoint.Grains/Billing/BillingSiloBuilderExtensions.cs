using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PulsePoint.Billing;

/// <summary>Registers billing on a silo: options, pricing catalog, usage ledger, billing clock, billing-event publisher.</summary>
public static class BillingSiloBuilderExtensions
{
    /// <summary>
    /// Adds billing's services, options from <c>PulsePoint:Billing</c>. The clock and the publisher are
    /// registered only if none is yet (TryAdd), so a host or test can supply its own.
    /// </summary>
    public static ISiloBuilder AddPulsePointBilling(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        services.AddOptions<BillingOptions>().Bind(configuration.GetSection(BillingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => new BillingClock(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IBillingEventPublisher, LoggedBillingEventPublisher>();
        services.AddSingleton<PricingCatalogSource>();
        services.AddSingleton<UsageLedger>();
        return silo;
    }
}
