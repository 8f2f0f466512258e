using System.Globalization;
using PulsePoint.Billing;

namespace PulsePoint.Tests.Billing;

/// <summary>
/// The reference table: costs worked out by hand from the rates below (the arithmetic is in each row's comment), not
/// by the pricing code, and compared to the last decimal. Rates are USD per million tokens, so a cost is
/// tokens × rate / 1,000,000.
/// </summary>
public sealed class PricingReferenceTests
{
    private static readonly DateTimeOffset From = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset At = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The rates the table is computed from.</summary>
    private static readonly PricingCatalog Catalog = new(
    [
        // flat: 3 in, 15 out, 0.30 cache read, 3.75 cache write; no tiers, no reasoning rate (reasoning = output rate).
        new ModelPrice("flat", From, 3m, 15m, 0.30m, 3.75m, "test"),
        // long-context: the flat rates up to a 200,000-token prompt; above it 6 / 22.5 / 0.60 / 7.50 for the whole request.
        new ModelPrice("long-context", From, 3m, 15m, 0.30m, 3.75m, "test", Tiers: [new PriceTier(200_000, 6m, 22.5m, 0.60m, 7.50m)]),
        // tiered: 1.25 / 10 / 0.125, no cache-write rate; above 200,000: 2.5 / 15 / 0.25.
        new ModelPrice("tiered", From, 1.25m, 10m, 0.125m, null, "test", Tiers: [new PriceTier(200_000, 2.5m, 15m, 0.25m, null)]),
        // two-tier: 0.075 / 0.30 / 0.01875; above 128,000: 0.15 / 0.60 / 0.0375; above 1,000,000: 0.30 / 1.20 / 0.075.
        new ModelPrice("two-tier", From, 0.075m, 0.30m, 0.01875m, null, "test",
            Tiers: [new PriceTier(128_000, 0.15m, 0.60m, 0.0375m, null), new PriceTier(1_000_000, 0.30m, 1.20m, 0.075m, null)]),
        // reasoning: 0.30 in, 2.50 out, 3.50 reasoning, 0.075 cache read, no cache-write rate.
        new ModelPrice("reasoning", From, 0.30m, 2.50m, 0.075m, null, "test", ReasoningPerMTok: 3.50m),
        // reasoning-tier: 2 / 8, cache read 0.5, reasoning at the output rate; above 200,000: 4 / 12 / 1, reasoning 16.
        new ModelPrice("reasoning-tier", From, 2m, 8m, 0.5m, null, "test", Tiers: [new PriceTier(200_000, 4m, 12m, 1m, null, 16m)]),
        // smallest: 0.000001 per million, i.e. 10^-12 USD a token, the precision money is kept to.
        new ModelPrice("smallest", From, 0.000001m, 0.000001m, null, null, "test"),
    ]);

    // name, model, input, output, of which reasoning, cache read, cache write, expected total USD (exact), tier threshold applied (0: base rates)
    public static TheoryData<string, string, long, long, long, long, long, string, long> Cases => new()
    {
        // flat
        { "1M input", "flat", 1_000_000, 0, 0, 0, 0, "3", 0 },                                   // 1,000,000 × 3 / 1e6
        { "one input token", "flat", 1, 0, 0, 0, 0, "0.000003", 0 },                             // 1 × 3 / 1e6
        { "one output token", "flat", 0, 1, 0, 0, 0, "0.000015", 0 },                            // 1 × 15 / 1e6
        { "odd input and output", "flat", 1_234, 567, 0, 0, 0, "0.012207", 0 },                  // 3,702e-6 + 8,505e-6
        { "1M cache read", "flat", 0, 0, 0, 1_000_000, 0, "0.30", 0 },                           // 1,000,000 × 0.30 / 1e6
        { "cache write", "flat", 0, 0, 0, 0, 10_000, "0.0375", 0 },                              // 10,000 × 3.75 = 37,500e-6
        { "four kinds", "flat", 1_000, 500, 0, 2_000, 400, "0.0126", 0 },                        // 0.003 + 0.0075 + 0.0006 + 0.0015
        { "few cache tokens", "flat", 0, 0, 0, 7, 3, "0.00001335", 0 },                          // 7 × 0.30 = 2.1e-6; 3 × 3.75 = 11.25e-6
        { "most tokens an event may carry", "flat", 10_000_000_000, 0, 0, 0, 0, "30000", 0 },    // 1e10 × 3 / 1e6
        { "reasoning without a reasoning rate", "flat", 1_000, 2_000, 1_999, 0, 0, "0.033", 0 }, // 0.003 + 2,000 × 15 = 30,000e-6
        // long-context: the tier is chosen by the prompt (input + cache read + cache write) and prices every token
        { "prompt exactly at the line", "long-context", 200_000, 1_000, 0, 0, 0, "0.615", 0 },            // 0.6 + 15,000e-6
        { "one token above the line", "long-context", 200_001, 1_000, 0, 0, 0, "1.222506", 200_000 },     // 1,200,006e-6 + 22,500e-6
        { "cache reads count toward the line", "long-context", 150_000, 0, 0, 50_000, 0, "0.465", 0 },     // 0.45 + 15,000e-6
        { "cache reads cross the line", "long-context", 150_000, 0, 0, 50_001, 0, "0.9300006", 200_000 }, // 900,000e-6 + 30,000.6e-6
        { "cache writes cross the line", "long-context", 100_000, 2_000, 0, 0, 100_001, "1.3950075", 200_000 }, // 0.6 + 750,007.5e-6 + 45,000e-6
        { "mostly cache reads above the line", "long-context", 1, 1, 0, 200_000, 0, "0.1200285", 200_000 },    // 6e-6 + 120,000e-6 + 22.5e-6
        { "only cache writes above the line", "long-context", 0, 0, 0, 0, 200_001, "1.5000075", 200_000 },   // 200,001 × 7.5 = 1,500,007.5e-6
        { "output does not count toward the line", "long-context", 200_000, 1, 0, 0, 0, "0.600015", 0 },     // 0.6 + 15e-6
        // tiered
        { "below the line", "tiered", 100_000, 10_000, 0, 0, 0, "0.225", 0 },                    // 125,000e-6 + 100,000e-6
        { "above the line", "tiered", 300_000, 10_000, 0, 0, 0, "0.9", 200_000 },               // 750,000e-6 + 150,000e-6
        { "cache reads at the tier's rate", "tiered", 250_000, 0, 0, 50_000, 0, "0.6375", 200_000 }, // 625,000e-6 + 12,500e-6
        // two tiers
        { "at the first line", "two-tier", 128_000, 1_000, 0, 0, 0, "0.0099", 0 },              // 9,600e-6 + 300e-6
        { "above the first line", "two-tier", 128_001, 1_000, 0, 0, 0, "0.01980015", 128_000 }, // 19,200.15e-6 + 600e-6
        { "at the second line", "two-tier", 1_000_000, 0, 0, 0, 0, "0.15", 128_000 },           // 1,000,000 × 0.15 / 1e6
        { "above the second line", "two-tier", 1_000_001, 0, 0, 0, 0, "0.3000003", 1_000_000 }, // 300,000.3e-6
        { "cache reads at the first tier", "two-tier", 100_000, 0, 0, 28_001, 0, "0.0160500375", 128_000 }, // 15,000e-6 + 1,050.0375e-6
        // reasoning: a part of the output, priced at its own rate
        { "reasoning at its own rate", "reasoning", 1_000, 5_000, 4_000, 0, 0, "0.0168", 0 },   // 300e-6 + 1,000 × 2.5 + 4,000 × 3.5 = 2,500e-6 + 14,000e-6
        { "one reasoning token", "reasoning", 0, 1, 1, 0, 0, "0.0000035", 0 },                  // 3.5e-6
        { "output without reasoning", "reasoning", 0, 1_000_000, 0, 0, 0, "2.5", 0 },            // 1,000,000 × 2.5 / 1e6
        { "output all reasoning", "reasoning", 0, 1_000_000, 1_000_000, 0, 0, "3.5", 0 },        // 1,000,000 × 3.5 / 1e6
        { "reasoning with cache reads", "reasoning", 2_000, 3_000, 1_500, 10_000, 0, "0.01035", 0 }, // 600e-6 + 750e-6 + 3,750e-6 + 5,250e-6
        // reasoning with a tier
        { "reasoning at the output rate below the line", "reasoning-tier", 10_000, 5_000, 3_000, 0, 0, "0.06", 0 },       // 20,000e-6 + 5,000 × 8 = 40,000e-6
        { "reasoning at the tier's rate above the line", "reasoning-tier", 200_001, 5_000, 3_000, 0, 0, "0.872004", 200_000 }, // 800,004e-6 + 2,000 × 12 + 3,000 × 16 = 24,000e-6 + 48,000e-6
        { "cache reads push reasoning into the tier", "reasoning-tier", 150_000, 1_000, 1_000, 60_000, 0, "0.676", 200_000 },  // 600,000e-6 + 60,000e-6 + 16,000e-6
        // the precision limit
        { "one token at 10^-12 USD", "smallest", 1, 0, 0, 0, 0, "0.000000000001", 0 },          // 1 × 0.000001 / 1e6
        { "a million tokens at 10^-12 USD", "smallest", 999_999, 1, 0, 0, 0, "0.000001", 0 },   // 1,000,000 × 0.000001 / 1e6
        { "model name is case-insensitive", "LONG-Context", 200_001, 0, 0, 0, 0, "1.200006", 200_000 }, // 200,001 × 6 / 1e6
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pricing_matches_the_reference_table(string name, string model, long input, long output, long reasoning, long cacheRead, long cacheWrite, string expected, long tier)
    {
        var cost = CostCalculator.Price(Catalog, model, At, input, output, cacheRead, cacheWrite, callerCostUsd: null, reasoningTokens: reasoning);

        Assert.False(cost.Unpriced, $"{name}: {cost.UnpricedReason}");
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), cost.TotalUsd);
        Assert.Equal(cost.TotalUsd, cost.InputUsd + cost.OutputUsd + cost.CacheReadUsd + cost.CacheWriteUsd);
        Assert.True(Money.IsExact(cost.TotalUsd!.Value), name);
        if (tier == 0)
        {
            Assert.DoesNotContain("prompt >", cost.PriceSource);
        }
        else
        {
            Assert.EndsWith($"(prompt > {tier})", cost.PriceSource);
        }
    }

    [Fact]
    public void Pricing_reasoning_cost_is_the_part_of_the_output_cost_its_tokens_make()
    {
        // 1,000 output tokens of which 400 reasoning: 600 × 2.5 = 1,500e-6 and 400 × 3.5 = 1,400e-6.
        var cost = CostCalculator.Price(Catalog, "reasoning", At, 0, 1_000, 0, 0, null, reasoningTokens: 400);

        Assert.Equal(0.0029m, cost.OutputUsd);
        Assert.Equal(0.0014m, cost.ReasoningUsd);
    }

    public static TheoryData<string, string, long, long, long, long, long, string> UnpricedCases => new()
    {
        // name, model, input, output, reasoning, cache read, cache write, words the reason must contain
        { "cache writes without a cache-write rate", "tiered", 1_000, 0, 0, 0, 1, "cache-write" },
        { "cache reads above a tier that has no cache-read rate", "tiered-no-cache", 200_001, 0, 0, 1, 0, "cache-read" },
        { "more reasoning than output", "reasoning", 0, 10, 11, 0, 0, "reasoning" },
        { "an unknown model", "no-such-model", 1, 1, 0, 0, 0, "no-such-model" },
    };

    [Theory]
    [MemberData(nameof(UnpricedCases))]
    public void Pricing_tokens_without_a_rate_leave_the_event_unpriced_not_free(string name, string model, long input, long output, long reasoning, long cacheRead, long cacheWrite, string reason)
    {
        var catalog = new PricingCatalog(Catalog.Entries,
            [new ModelPrice("tiered-no-cache", From, 1.25m, 10m, 0.125m, 0.5m, "test", Tiers: [new PriceTier(200_000, 2.5m, 15m, null, null)])]);

        var cost = CostCalculator.Price(catalog, model, At, input, output, cacheRead, cacheWrite, null, reasoningTokens: reasoning);

        Assert.True(cost.Unpriced, name);
        Assert.Null(cost.TotalUsd);
        Assert.Contains(reason, cost.UnpricedReason);
    }

    [Fact]
    public void Pricing_a_tier_that_lacks_a_cache_rate_still_prices_cache_tokens_below_its_line()
    {
        var catalog = new PricingCatalog([new ModelPrice("m", From, 1m, 2m, 0.1m, 1.25m, "test", Tiers: [new PriceTier(200_000, 2m, 3m, null, null)])]);

        // 1,000 × 0.1 = 100e-6: below the line the base cache-read rate applies.
        Assert.Equal(0.0001m, CostCalculator.Price(catalog, "m", At, 0, 0, 1_000, 0, null).TotalUsd);
    }
}
