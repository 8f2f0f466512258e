using System.Text.RegularExpressions;
using Npgsql;
using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Silo.Cli;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Events;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Billing;

/// <summary>
/// A tenant's negotiated prices: set, listed and removed with <c>prices override</c> on the real test database, and used
/// by the real cluster's event sink for that tenant's events only.
/// </summary>
[Collection(BillingClusterCollection.Name)]
public sealed class PriceOverrideTests(BillingClusterFixture fixture)
{
    private static readonly string[] Settings = [$"--PulsePoint:Database:Owner={TestDatabase.Owner}", $"--PulsePoint:Database:Application={TestDatabase.Application}", $"--PulsePoint:Database:TenantContextKey={TestDatabase.TenantContextKey}"];

    private readonly string _model = "negotiated-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task PriceOverride_bills_the_tenant_at_its_negotiated_price_and_everyone_else_at_the_catalogs()
    {
        await InsertCatalogPriceAsync(_model, tiers: "[]");
        var negotiated = await TestTenants.CreateAsync(fixture.Client);
        var listPrice = await TestTenants.CreateAsync(fixture.Client);

        var set = await RunAsync("override", "set", "--tenant", negotiated.ToString(), "--model", _model, "--effective-from", "2026-01-01",
            "--input", "2.7", "--output", "13.5", "--cache-read", "0.27", "--note", "contract 42");
        Assert.True(set.Code == 0, set.Error);

        var ours = await TrackAsync(negotiated, 1_000, 2_000, cacheRead: 10_000);
        var theirs = await TrackAsync(listPrice, 1_000, 2_000, cacheRead: 10_000);

        // Negotiated: 1,000 × 2.7 + 2,000 × 13.5 + 10,000 × 0.27 per million = 0.0027 + 0.027 + 0.0027.
        Assert.Equal((0.0324m, $"catalog:tenant/{_model}@2026-01-01"), await BilledAsync(ours));
        // Catalog: 1,000 × 3 + 2,000 × 15 + 10,000 × 0.3 per million = 0.003 + 0.03 + 0.003.
        Assert.Equal((0.036m, $"catalog:table/{_model}@2026-01-01"), await BilledAsync(theirs));

        var listed = await RunAsync("override", "list", "--tenant", negotiated.ToString());
        Assert.Contains($"{_model} 2026-01-01 tenant 2.70 13.50 0.27", Regex.Replace(listed.Output, " +", " "));
        Assert.DoesNotContain(_model, (await RunAsync("override", "list", "--tenant", listPrice.ToString())).Output);

        var removed = await RunAsync("override", "remove", "--tenant", negotiated.ToString(), "--model", _model);
        Assert.True(removed.Code == 0, removed.Error);
        var after = await TrackAsync(negotiated, 1_000, 2_000, cacheRead: 10_000);
        Assert.Equal((0.036m, $"catalog:table/{_model}@2026-01-01"), await BilledAsync(after));
        // Billed stays billed: the earlier event keeps its negotiated cost.
        Assert.Equal((0.0324m, $"catalog:tenant/{_model}@2026-01-01"), await BilledAsync(ours));
    }

    [Fact]
    public async Task PriceOverride_a_discount_takes_percent_off_every_rate_and_tier_or_is_refused_when_not_exact()
    {
        await InsertCatalogPriceAsync(_model, tiers: """[{"aboveInputTokens": 200000, "inputPerMTok": 6, "outputPerMTok": 22.5, "cacheReadPerMTok": 0.6, "cacheWritePerMTok": 7.5}]""");
        var tenant = await TestTenants.CreateAsync(fixture.Client);

        var set = await RunAsync("override", "set", "--tenant", tenant.ToString(), "--model", _model, "--effective-from", "2026-02-01", "--discount", "20");
        var inexact = await RunAsync("override", "set", "--tenant", tenant.ToString(), "--model", _model, "--effective-from", "2026-03-01", "--discount", "33.3333333");
        var both = await RunAsync("override", "set", "--tenant", tenant.ToString(), "--model", _model, "--effective-from", "2026-03-01", "--discount", "10", "--input", "1");

        Assert.True(set.Code == 0, set.Error);
        Assert.Equal(2, inexact.Code);
        Assert.Contains("more than 6 decimals per million tokens", inexact.Error);
        Assert.Equal(2, both.Code);
        var price = Assert.Single(await ModelPriceTable.ListTenantAsync(new TenantDatabase(TestDatabase.CreateDataSource(TestDatabase.Application), TestDatabase.TenantContext), tenant)).Price;
        // 20 % off 3 / 15 / 0.30 / 3.75 and off the tier's 6 / 22.5 / 0.6 / 7.5.
        Assert.Equal((2.4m, 12m, 0.24m, 3m), (price.InputPerMTok, price.OutputPerMTok, price.CacheReadPerMTok, price.CacheWritePerMTok));
        Assert.Equal([new PriceTier(200_000, 4.8m, 18m, 0.48m, 6m)], price.TierList);
        Assert.Equal($"20% off table/{_model}@2026-01-01", price.Source);

        // A long prompt of this tenant is billed at the discounted tier: 250,000 × 4.8 + 1,000 × 18 per million = 1.2 + 0.018.
        var e = await TrackAsync(tenant, 250_000, 1_000);
        Assert.Equal((1.218m, $"catalog:tenant/{_model}@2026-02-01 (prompt > 200000)"), await BilledAsync(e));
    }

    [Fact]
    public async Task PriceOverride_negotiated_prices_are_tenant_data_under_row_level_security()
    {
        await InsertCatalogPriceAsync(_model, tiers: "[]");
        var tenant = await TestTenants.CreateAsync(fixture.Client);
        var other = await TestTenants.CreateAsync(fixture.Client);
        Assert.Equal(0, (await RunAsync("override", "set", "--tenant", tenant.ToString(), "--model", _model, "--effective-from", "2026-01-01", "--input", "1", "--output", "2")).Code);
        await using var app = TestDatabase.CreateDataSource(TestDatabase.Application);

        Assert.Single(await ModelPriceTable.ListTenantAsync(new TenantDatabase(app, TestDatabase.TenantContext), tenant));
        Assert.Empty(await ModelPriceTable.ListTenantAsync(new TenantDatabase(app, TestDatabase.TenantContext), other));
        // Without a tenant context the application role sees none, and it may not write any.
        await using (var all = app.CreateCommand("select count(*) from tenant_model_prices"))
        {
            Assert.Equal(0L, (long)(await all.ExecuteScalarAsync())!);
        }

        var refused = await Assert.ThrowsAsync<PostgresException>(() => new TenantDatabase(app, TestDatabase.TenantContext).RunAsync(other, async s =>
        {
            await using var insert = s.Command("insert into tenant_model_prices (tenant_id, model, effective_from, input_per_mtok, output_per_mtok) values ($1, 'x', now(), 0, 0)");
            await insert.ExecuteNonQueryAsync();
        }));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        var unknown = await RunAsync("override", "set", "--tenant", Guid.NewGuid().ToString(), "--model", _model, "--effective-from", "2026-01-01", "--input", "1", "--output", "2");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("does not exist", unknown.Error);
    }

    private async Task<Guid> TrackAsync(TenantId tenant, long input, long output, long cacheRead = 0)
    {
        var tracker = new EventTracker(fixture.Client);
        var e = tracker.AiGeneration(_model, input, output, TimeSpan.FromSeconds(1), new AiGenerationDetails { Tenant = tenant, TokensCacheRead = cacheRead });
        await tracker.TrackAsync(e);
        return e.EventId;
    }

    private static async Task<(decimal, string)> BilledAsync(Guid eventId) =>
        (await TestEvents.ScalarAsync<decimal>("select total_cost_usd from ai_token_usage where event_id = $1", eventId),
         await TestEvents.ScalarAsync<string>("select price_source from ai_token_usage where event_id = $1", eventId));

    private static async Task InsertCatalogPriceAsync(string model, string tiers)
    {
        await using var owner = TestDatabase.CreateDataSource(TestDatabase.Owner);
        await using var insert = owner.CreateCommand("""
            insert into model_prices (model, effective_from, input_per_mtok, output_per_mtok, cache_read_per_mtok, cache_write_per_mtok, tiers)
            values ($1, '2026-01-01', 3, 15, 0.30, 3.75, $2::jsonb)
            """);
        insert.Parameters.Add(new NpgsqlParameter { Value = model });
        insert.Parameters.Add(new NpgsqlParameter { Value = tiers });
        await insert.ExecuteNonQueryAsync();
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await PricesCommand.RunAsync([.. args, .. Settings], output, error);
        return (code, output.ToString(), error.ToString());
    }
}
