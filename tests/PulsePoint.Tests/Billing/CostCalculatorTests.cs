using PulsePoint.Billing;

namespace PulsePoint.Tests.Billing;

public sealed class CostCalculatorTests
{
    private static readonly PricingCatalog Shipped = TestPrices.Catalog;

    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string, string, long, long, long, long, string> PricedCases => new()
    {
        // name, model, at, input, output, cache read, cache write, expected total (exact decimal)
        { "input only (seed $3/M)", "claude-3-sonnet", "2026-11-26T12:00:00Z", 1_000_000, 0, 0, 0, "3" },
        { "input only, odd count", "claude-3-sonnet", "2026-11-26T12:00:00Z", 1_234, 0, 0, 0, "0.003702" },
        { "output only (seed $15/M)", "claude-3-sonnet", "2026-11-26T12:00:00Z", 0, 2_000, 0, 0, "0.03" },
        { "seed's 1000 in + 500 out", "claude-3-sonnet", "2026-11-26T12:00:00Z", 1_000, 500, 0, 0, "0.0105" },
        { "cache read only", "claude-3-5-sonnet", "2026-11-26T12:00:00Z", 0, 0, 1_000_000, 0, "0.30" },
        { "cache write only", "claude-3-5-sonnet", "2026-11-26T12:00:00Z", 0, 0, 0, 10_000, "0.0375" },
        { "mixed, four rates", "claude-3-5-sonnet", "2026-11-26T12:00:00Z", 1_000, 500, 2_000, 400, "0.0126" },
        { "one token at the smallest rate", "gpt-4o-mini", "2026-11-26T12:00:00Z", 0, 0, 1, 0, "0.000000075" },
        { "last instant before a price change", "example-model", "2025-12-31T23:59:59.9999999Z", 1_000_000, 1_000_000, 0, 0, "3" },
        { "first instant of the new price", "example-model", "2026-01-01T00:00:00Z", 1_000_000, 1_000_000, 0, 0, "1.5" },
        { "model name is case-insensitive", "Claude-3-Sonnet", "2026-11-26T12:00:00Z", 1_000_000, 0, 0, 0, "3" },
    };

    [Theory]
    [MemberData(nameof(PricedCases))]
    public void CostCalculator_prices_each_token_kind_at_its_own_rate(string name, string model, string at, long input, long output, long cacheRead, long cacheWrite, string expected)
    {
        var cost = CostCalculator.Price(Shipped, model, DateTimeOffset.Parse(at), input, output, cacheRead, cacheWrite, callerCostUsd: null);

        Assert.False(cost.Unpriced, name);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), cost.TotalUsd);
        Assert.Equal(cost.TotalUsd, cost.InputUsd + cost.OutputUsd + cost.CacheReadUsd + cost.CacheWriteUsd);
        Assert.StartsWith("catalog:", cost.PriceSource);
    }

    [Fact]
    public void CostCalculator_mixed_event_parts_are_not_a_proportional_split()
    {
        var cost = CostCalculator.Price(Shipped, "claude-3-sonnet", Now, 1_000, 500, 0, 0, null);

        // $3/M and $15/M: 0.003 + 0.0075. The seed's split of 0.0105 by token share would give 0.007 / 0.0035.
        Assert.Equal(0.003m, cost.InputUsd);
        Assert.Equal(0.0075m, cost.OutputUsd);
        Assert.Equal("catalog:file/claude-3-sonnet@2024-01-01", cost.PriceSource);
    }

    [Fact]
    public void CostCalculator_unknown_model_is_unpriced_not_zero()
    {
        var cost = CostCalculator.Price(Shipped, "no-such-model", Now, 1_000, 1_000, 0, 0, null);

        Assert.True(cost.Unpriced);
        Assert.Null(cost.TotalUsd);
        Assert.Equal("unpriced", cost.PriceSource);
        Assert.Contains("no-such-model", cost.UnpricedReason);
    }

    [Fact]
    public void CostCalculator_event_before_the_first_price_is_unpriced()
    {
        var cost = CostCalculator.Price(Shipped, "example-model", new DateTimeOffset(2024, 12, 31, 0, 0, 0, TimeSpan.Zero), 1, 1, 0, 0, null);

        Assert.True(cost.Unpriced);
    }

    [Fact]
    public void CostCalculator_cache_tokens_without_a_cache_price_are_unpriced()
    {
        // The seed's claude-3-sonnet entry has no cache prices.
        var cost = CostCalculator.Price(Shipped, "claude-3-sonnet", Now, 1_000, 0, 5, 0, null);

        Assert.True(cost.Unpriced);
        Assert.Contains("cache-read", cost.UnpricedReason);
    }

    [Fact]
    public void CostCalculator_keeps_the_callers_cost_and_says_so()
    {
        var cost = CostCalculator.Price(Shipped, "no-such-model", Now, 1_000, 500, 0, 0, callerCostUsd: 0.0123m);

        Assert.False(cost.Unpriced);
        Assert.Equal(0.0123m, cost.TotalUsd);
        Assert.Equal("caller", cost.PriceSource);
        Assert.Null(cost.InputUsd);
        Assert.Null(cost.OutputUsd);
    }

    [Fact]
    public void CostCalculator_a_total_without_its_split_is_unpriced_never_zero()
    {
        var cost = CostCalculator.Price(Shipped, "claude-3-sonnet", Now, 0, 0, 0, 0, null, totalTokens: 1_500);

        Assert.True(cost.Unpriced);
        Assert.Null(cost.TotalUsd);
        Assert.Contains("only a total of 1500 tokens", cost.UnpricedReason);
    }

    [Fact]
    public void CostCalculator_a_total_above_its_split_is_unpriced_rather_than_billed_for_part()
    {
        var above = CostCalculator.Price(Shipped, "claude-3-sonnet", Now, 1_000, 500, 0, 0, null, totalTokens: 1_600);
        var equal = CostCalculator.Price(Shipped, "claude-3-sonnet", Now, 1_000, 500, 0, 0, null, totalTokens: 1_500);
        var below = CostCalculator.Price(Shipped, "claude-3-sonnet", Now, 1_000, 500, 0, 0, null, totalTokens: 10);

        Assert.True(above.Unpriced);
        Assert.Contains("100 more than", above.UnpricedReason);
        Assert.Equal((0.0105m, 0.0105m), (equal.TotalUsd, below.TotalUsd));
    }

    [Fact]
    public void CostCalculator_a_priced_cost_above_the_event_limit_names_the_costliest_token_field()
    {
        var catalog = new PricingCatalog(new[] { new ModelPrice("dear", DateTimeOffset.MinValue, 1_000_000m, 2_000_000m, 1m, 1m, "config") });

        var over = CostCalculator.CheckLimit(CostCalculator.Price(catalog, "dear", Now, 700_000, 300_000, 5, 0, null));
        var at = CostCalculator.CheckLimit(CostCalculator.Price(catalog, "dear", Now, 1_000_000, 0, 0, 0, null));

        Assert.Equal(nameof(PulsePoint.Events.StructuredEvent.TokensInput), over!.Field);
        Assert.Contains("1300000.000005 USD", over.Message);
        Assert.Null(at);
    }

    [Fact]
    public void PricingCatalog_higher_layer_wins_for_the_same_model_and_date_and_adds_new_dates()
    {
        var from = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var config = new[] { new ModelPrice("claude-3-sonnet", from, 2m, 10m, null, null, "config") };
        var table = new[] { new ModelPrice("claude-3-sonnet", new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), 1m, 5m, 0.1m, 1.25m, "table") };
        var catalog = new PricingCatalog(PricingFile.Default, config, table);

        Assert.Equal("config", catalog.Find("claude-3-sonnet", new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero))!.Layer);
        Assert.Equal("table", catalog.Find("claude-3-sonnet", Now)!.Layer);
        Assert.Equal(0.000006m, CostCalculator.Price(catalog, "claude-3-sonnet", Now, 1, 1, 0, 0, null).TotalUsd);
    }

    [Fact]
    public void PricingFile_ships_the_seed_price_and_cache_prices_for_current_models()
    {
        var sonnet = Shipped.Find("claude-3-sonnet", Now)!;
        Assert.Equal((3m, 15m), (sonnet.InputPerMTok, sonnet.OutputPerMTok));
        Assert.Contains(Shipped.Entries, p => p.CacheReadPerMTok is not null && p.CacheWritePerMTok is not null);
    }
}
