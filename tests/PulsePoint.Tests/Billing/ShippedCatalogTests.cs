using PulsePoint.Billing;

namespace PulsePoint.Tests.Billing;

/// <summary>The shipped default catalog bills real customers: every price says where it was read, none is an example.</summary>
public sealed class ShippedCatalogTests
{
    [Fact]
    public void ShippedCatalog_every_price_names_its_source_and_none_is_an_example()
    {
        var prices = PricingFile.Default;

        Assert.NotEmpty(prices);
        Assert.All(prices, p =>
        {
            Assert.False(string.IsNullOrWhiteSpace(p.Source), $"{p.Model} has no source");
            Assert.DoesNotContain("example", p.Source!, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("example", p.Model, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("file", p.Layer);
        });
        // A provider's price names the provider's page and the day it was read.
        Assert.All(prices.Where(p => p.Model != "claude-3-sonnet"), p => Assert.Matches(@"^https://platform\.claude\.com/.+, read \d{4}-\d{2}-\d{2}$", p.Source!));
    }

    [Fact]
    public void ShippedCatalog_prices_a_claude_haiku_4_5_call_at_the_published_rates()
    {
        // 10,000 in × $1 + 2,000 out × $5 + 50,000 cache reads × $0.10 + 4,000 cache writes × $1.25 per million
        // = 0.01 + 0.01 + 0.005 + 0.005.
        var cost = CostCalculator.Price(new PricingCatalog(PricingFile.Default), "claude-haiku-4-5", new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), 10_000, 2_000, 50_000, 4_000, null);

        Assert.Equal(0.03m, cost.TotalUsd);
        Assert.Equal("catalog:file/claude-haiku-4-5@2025-10-01", cost.PriceSource);
    }
}
