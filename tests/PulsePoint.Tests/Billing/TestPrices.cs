using PulsePoint.Billing;

namespace PulsePoint.Tests.Billing;

/// <summary>
/// Rates the tests price with besides the shipped catalog: models the shipped file leaves out (it ships only prices
/// read on the provider's own pages) and a fictitious model with a price change. Given to every test cluster as
/// configuration (<c>PulsePoint:Billing:Pricing</c>) and to tests that build a catalog themselves.
/// </summary>
public static class TestPrices
{
    private static readonly DateTimeOffset Since2024 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The test rates (USD per million tokens).</summary>
    public static IReadOnlyList<ModelPrice> Extra { get; } =
    [
        new("claude-3-5-sonnet", new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero), 3m, 15m, 0.30m, 3.75m, "config"),
        new("gpt-4o", Since2024, 2.50m, 10m, 1.25m, 0m, "config"),
        new("gpt-4o-mini", Since2024, 0.15m, 0.60m, 0.075m, 0m, "config"),
        new("example-model", new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), 1m, 2m, 0.1m, 1.25m, "config"),
        new("example-model", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), 0.5m, 1m, 0.05m, 0.625m, "config"),
    ];

    /// <summary>The shipped catalog with the test rates, as a test cluster's silo has it.</summary>
    public static PricingCatalog Catalog { get; } = new(PricingFile.Default, Extra);

    /// <summary>The test rates as configuration entries.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Configuration() => Extra.SelectMany((p, i) => new Dictionary<string, string?>
    {
        [$"{BillingOptions.Section}:Pricing:{i}:Model"] = p.Model,
        [$"{BillingOptions.Section}:Pricing:{i}:EffectiveFrom"] = p.EffectiveFrom.ToString("O"),
        [$"{BillingOptions.Section}:Pricing:{i}:InputPerMTok"] = p.InputPerMTok.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [$"{BillingOptions.Section}:Pricing:{i}:OutputPerMTok"] = p.OutputPerMTok.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [$"{BillingOptions.Section}:Pricing:{i}:CacheReadPerMTok"] = p.CacheReadPerMTok?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [$"{BillingOptions.Section}:Pricing:{i}:CacheWritePerMTok"] = p.CacheWritePerMTok?.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });
}
