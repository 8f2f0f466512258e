using Microsoft.Extensions.Configuration;
using PulsePoint.Billing;

namespace PulsePoint.Tests.Billing;

public sealed class BillingOptionsTests
{
    [Fact]
    public void BillingOptions_binds_alert_fractions_and_price_entries_from_configuration()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["PulsePoint:Billing:AlertFractions:0"] = "0.9",
                ["PulsePoint:Billing:AlertFractions:1"] = "0.25",
                ["PulsePoint:Billing:Pricing:0:Model"] = "my-model",
                ["PulsePoint:Billing:Pricing:0:EffectiveFrom"] = "2026-01-01T00:00:00Z",
                ["PulsePoint:Billing:Pricing:0:InputPerMTok"] = "1.5",
                ["PulsePoint:Billing:Pricing:0:OutputPerMTok"] = "7",
            })
            .Build();
        var options = new BillingOptions();
        ConfigurationBinder.Bind(configuration.GetSection(BillingOptions.Section), options);

        Assert.Equal([0.25m, 0.9m], options.EffectiveAlertFractions);
        Assert.Equal([0.5m, 0.8m, 1.0m], new BillingOptions().EffectiveAlertFractions);
        var price = options.Pricing.Single().ToPrice("config");
        Assert.Equal(("my-model", 1.5m, 7m, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)), (price.Model, price.InputPerMTok, price.OutputPerMTok, price.EffectiveFrom));
    }
}
