using Npgsql;
using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Tests.Events;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Billing;

/// <summary>
/// Long-context tiers and reasoning tokens end to end: a price row with a tier and a reasoning rate in the real
/// <c>model_prices</c> table, an AI event through the real cluster's event sink, the bill in <c>ai_token_usage</c>.
/// </summary>
[Collection(BillingClusterCollection.Name)]
public sealed class LongContextAndReasoningTests(BillingClusterFixture fixture)
{
    [Fact]
    public async Task Pricing_a_long_prompt_with_reasoning_is_billed_at_the_tier_and_the_reasoning_rate_through_the_sink()
    {
        var model = "tiered-reasoner-" + Guid.NewGuid().ToString("N")[..8];
        await InsertPriceAsync(model);
        var tenant = await TestTenants.CreateAsync(fixture.Client);
        var tracker = new EventTracker(fixture.Client);
        var now = DateTimeOffset.UtcNow;
        var details = new AiGenerationDetails { Tenant = tenant, TokensCacheRead = 50_000, TokensReasoning = 3_000 };
        var below = tracker.AiGeneration(model, 100_000, 5_000, TimeSpan.FromSeconds(1), details);
        var above = tracker.AiGeneration(model, 150_001, 5_000, TimeSpan.FromSeconds(1), details);

        Assert.Equal(EventAppendOutcome.Stored, await tracker.TrackAsync(below));
        Assert.Equal(EventAppendOutcome.Stored, await tracker.TrackAsync(above));

        // Below the line (prompt 150,000): 100,000 × 2 + 50,000 × 0.5 + 2,000 × 8 + 3,000 × 8 (no reasoning rate) per million
        // = 0.2 + 0.025 + 0.016 + 0.024 = 0.265, of which reasoning 0.024.
        Assert.Equal((0.265m, 3_000L, 0.024m, false), await UsageAsync(below.EventId));
        // Above it (prompt 200,001): 150,001 × 4 + 50,000 × 1 + 2,000 × 12 + 3,000 × 16 per million
        // = 0.600004 + 0.05 + 0.024 + 0.048 = 0.722004, of which reasoning 0.048.
        Assert.Equal((0.722004m, 3_000L, 0.048m, true), await UsageAsync(above.EventId));
        Assert.Equal(3_000L, await TestEvents.ScalarAsync<long>("select tokens_reasoning from observability_events where event_id = $1", above.EventId));
        Assert.Equal(0.722004m, await TestEvents.ScalarAsync<decimal>("select cost_usd from observability_events where event_id = $1", above.EventId));
    }

    [Fact]
    public void Pricing_reasoning_tokens_beyond_the_output_tokens_are_rejected_naming_the_field()
    {
        var e = new EventTracker(fixture.Client).AiGeneration("m", 10, 5, TimeSpan.Zero, new AiGenerationDetails { Tenant = new PulsePoint.Tenancy.TenantId(Guid.NewGuid()) }) with { TokensReasoning = 6 };

        var problem = StructuredEventValidator.Check(e, DateTimeOffset.UtcNow);

        Assert.Equal(nameof(StructuredEvent.TokensReasoning), problem?.Field);
        Assert.Null(StructuredEventValidator.Check(e with { TokensReasoning = 5 }, DateTimeOffset.UtcNow));
    }

    private static async Task InsertPriceAsync(string model)
    {
        await using var owner = TestDatabase.CreateDataSource(TestDatabase.Owner);
        await using var insert = owner.CreateCommand("""
            insert into model_prices (model, effective_from, input_per_mtok, output_per_mtok, cache_read_per_mtok, tiers, source)
            values ($1, '2026-01-01', 2, 8, 0.5,
                    '[{"aboveInputTokens": 200000, "inputPerMTok": 4, "outputPerMTok": 12, "cacheReadPerMTok": 1, "reasoningPerMTok": 16}]',
                    'test rates')
            """);
        insert.Parameters.Add(new NpgsqlParameter { Value = model });
        await insert.ExecuteNonQueryAsync();
    }

    private static async Task<(decimal Total, long Reasoning, decimal ReasoningUsd, bool Tier)> UsageAsync(Guid eventId)
    {
        Assert.True(await TestEvents.EventuallyAsync(
            async () => await TestEvents.ScalarAsync<long>("select count(*) from ai_token_usage where event_id = $1", eventId) == 1, TimeSpan.FromSeconds(15)));
        await using var pipeline = TestDatabase.CreateDataSource(TestDatabase.Pipeline);
        await using var read = pipeline.CreateCommand("select total_cost_usd, reasoning_tokens, reasoning_cost_usd, price_source from ai_token_usage where event_id = $1");
        read.Parameters.Add(new NpgsqlParameter { Value = eventId });
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetDecimal(0), reader.GetInt64(1), reader.GetDecimal(2), reader.GetString(3).EndsWith("(prompt > 200000)", StringComparison.Ordinal));
    }
}
