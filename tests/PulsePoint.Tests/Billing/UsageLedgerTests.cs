using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using PulsePoint.Billing;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Billing;

/// <summary>ai_token_usage and model_prices on the real test database, with the real roles.</summary>
public sealed class UsageLedgerTests
{
    private static readonly PricingCatalog Catalog = TestPrices.Catalog;

    [Fact]
    public async Task UsageLedger_the_same_event_inserted_three_times_is_one_row()
    {
        await TestDatabase.EnsureCreatedAsync();
        await using var app = TestDatabase.CreateDataSource(TestDatabase.Application);
        var (tenant, _) = await TenantRows.CreateTenantWithBrandAsync(new TenantDatabase(app, TestDatabase.TenantContext), "Once");
        var record = UsageRecord.FromEvent(TestUsage.AiEvent(tenant, "claude-3-sonnet", 1_000, 500), Catalog)!;

        var first = await TestUsage.Ledger.InsertAsync([record]);
        var again = await TestUsage.Ledger.InsertAsync([record, record]);

        Assert.Single(first.Inserted);
        Assert.NotNull(first.TransactionId);
        Assert.Empty(again.Inserted);
        Assert.Empty(again.PerTenant());
        var rows = await TestUsage.Ledger.ReadDaysAsync(tenant, record.Day, record.Day);
        Assert.Equal((1L, 1_500L, 0.0105m), (rows.Single().Events, rows.Single().TotalTokens, rows.Single().CostUsd));
    }

    [Fact]
    public async Task UsageLedger_rows_are_tenant_isolated_and_keep_price_source_brand_and_unpriced_flag()
    {
        await TestDatabase.EnsureCreatedAsync();
        await using var app = TestDatabase.CreateDataSource(TestDatabase.Application);
        var database = new TenantDatabase(app, TestDatabase.TenantContext);
        var (tenant, brand) = await TenantRows.CreateTenantWithBrandAsync(database, "Ledger A");
        var (other, _) = await TenantRows.CreateTenantWithBrandAsync(database, "Ledger B");
        var strangerBrand = Guid.NewGuid();

        await TestUsage.Ledger.InsertAsync(new[]
        {
            TestUsage.AiEvent(tenant, "claude-3-5-sonnet", 1_000, 500, cacheRead: 2_000, cacheWrite: 400, brand: brand),
            TestUsage.AiEvent(tenant, "no-such-model", 10, 10, brand: strangerBrand),
            TestUsage.AiEvent(tenant, "no-such-model", 10, 10, costUsd: 0.25m),
        }.Select(e => UsageRecord.FromEvent(e, Catalog)!).ToArray());

        var rows = await database.ReadAsync(tenant,
            "select brand_id, price_source, unpriced, input_cost_usd, cache_write_cost_usd, total_cost_usd from ai_token_usage where tenant_id = $1 order by price_source",
            bind: null,
            async (reader, ct) =>
            {
                var list = new List<(Guid?, string, bool, decimal?, decimal?, decimal?)>();
                while (await reader.ReadAsync(ct))
                {
                    list.Add((reader.IsDBNull(0) ? null : reader.GetGuid(0), reader.GetString(1), reader.GetBoolean(2),
                        reader.IsDBNull(3) ? null : reader.GetDecimal(3), reader.IsDBNull(4) ? null : reader.GetDecimal(4),
                        reader.IsDBNull(5) ? null : reader.GetDecimal(5)));
                }

                return list;
            });

        Assert.Equal(
            [
                (null, "caller", false, null, null, 0.25m),
                (brand, "catalog:config/claude-3-5-sonnet@2024-06-01", false, 0.003m, 0.0015m, 0.0126m),
                // A brand the tenant does not have is stored as null rather than failing the batch.
                (null, "unpriced", true, null, null, null),
            ],
            rows);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Empty(await TestUsage.Ledger.ReadDaysAsync(other, today.AddDays(-1), today.AddDays(1)));
        await using var command = app.CreateCommand("select count(*) from ai_token_usage");
        Assert.Equal(0L, await command.ExecuteScalarAsync()); // no tenant set: no rows, not all rows
    }

    [Fact]
    public async Task UsageLedger_application_role_cannot_write_usage_rows()
    {
        await TestDatabase.EnsureCreatedAsync();
        await using var app = TestDatabase.CreateDataSource(TestDatabase.Application);
        var tenant = TenantId.New();

        var error = await Assert.ThrowsAsync<PostgresException>(() => new TenantDatabase(app, TestDatabase.TenantContext).RunAsync(tenant, async session =>
        {
            await using var insert = session.Command(
                "insert into ai_token_usage (tenant_id, event_id, model, operation, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, total_tokens, total_cost_usd, price_source, unpriced, recorded_at) values ($1, gen_random_uuid(), 'm', 'ai.x', 0, 0, 0, 0, 0, 0, 'caller', false, now())");
            await insert.ExecuteNonQueryAsync();
        }));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task PricingCatalogSource_table_beats_configuration_beats_the_shipped_file()
    {
        await TestDatabase.EnsureCreatedAsync();
        var model = "precedence-" + Guid.NewGuid().ToString("N")[..8];
        var from = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var options = new BillingOptions
        {
            PricingRefreshPeriod = TimeSpan.Zero,
            Pricing =
            {
                new ModelPriceSetting { Model = model, EffectiveFrom = from, InputPerMTok = 2m, OutputPerMTok = 4m },
                new ModelPriceSetting { Model = "claude-3-sonnet", EffectiveFrom = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), InputPerMTok = 2.5m, OutputPerMTok = 12.5m },
            },
        };
        await using var sources = new DataSources(Options.Create(new DatabaseOptions { Application = TestDatabase.Application, Pipeline = TestDatabase.Pipeline, TenantContextKey = TestDatabase.TenantContextKey }));
        var source = new PricingCatalogSource(sources, Options.Create(options), TimeProvider.System, NullLogger<PricingCatalogSource>.Instance);

        var before = await source.GetAsync();
        Assert.Equal(("config", 2m), (before.Find(model, DateTimeOffset.UtcNow)!.Layer, before.Find(model, DateTimeOffset.UtcNow)!.InputPerMTok));
        Assert.Equal(2.5m, before.Find("claude-3-sonnet", DateTimeOffset.UtcNow)!.InputPerMTok);

        await using var owner = TestDatabase.CreateDataSource(TestDatabase.Owner);
        await using (var insert = owner.CreateCommand(
            "insert into model_prices (model, effective_from, input_per_mtok, output_per_mtok) values ($1, $2, 1.5, 3)"))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = model });
            insert.Parameters.Add(new NpgsqlParameter { Value = from });
            await insert.ExecuteNonQueryAsync();
        }

        var after = await source.GetAsync();
        var price = after.Find(model, DateTimeOffset.UtcNow)!;
        Assert.Equal(("table", 1.5m), (price.Layer, price.InputPerMTok));
        Assert.Equal("catalog:table/" + model + "@2025-01-01", CostCalculator.Price(after, model, DateTimeOffset.UtcNow, 1, 0, 0, 0, null).PriceSource);
    }
}
