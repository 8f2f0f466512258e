using System.Text.Json;
using Npgsql;
using PulsePoint.Brands;
using PulsePoint.Silo.Demo;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Brands;

/// <summary>
/// The plans PostgreSQL keeps for the brand queries as the application role under RLS, on data shaped like a
/// deployment's (20 tenants × 20 brands × 10,000 orders, analysed) in a database of its own. A prepared
/// statement runs on a generic plan after five executions when PostgreSQL finds it no costlier, so that is the
/// plan checked here. Plans, not timings: which index a scan uses does not depend on how busy the machine is.
/// </summary>
public sealed class BrandQueryPlanTests
{
    private static readonly TestDatabase.ClusterDatabase Database = TestDatabase.ForCluster("pulsepoint_test_plans");
    private static readonly DemoDataPlan Plan = new(20, 20, 10_000, 90, 11, new DateOnly(2026, 10, 31));
    private static readonly Lazy<Task> Seeded = new(SeedAsync);

    [Fact]
    public async Task The_brand_summary_s_generic_plan_finds_the_brand_s_orders_by_index_not_by_filtering_the_tenant_s()
    {
        await Seeded.Value;
        var (tenant, _) = Plan.TenantList()[3];
        var brand = DemoDataSeeder.BrandIds(Plan, tenant)[5];
        var plan = await GenericPlanAsync(
            tenant.Value,
            BrandSql.Summary,
            "uuid, uuid, timestamptz, timestamptz, date, date",
            tenant.Value, brand, At(2026, 10, 1), At(2026, 10, 31), new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 30));

        var orders = Scans(plan, "orders").Single();
        Assert.True(orders.TryGetProperty("Index Cond", out var condition), orders.ToString());
        Assert.Contains("brand_id", condition.GetString());
        Assert.False(orders.TryGetProperty("Filter", out var filter), $"orders scan filters rows: {filter}");
        var ads = Scans(plan, "ad_performance").Single();
        Assert.Contains("brand_id", ads.GetProperty("Index Cond").GetString());
    }

    private static DateTime At(int year, int month, int day) => new(year, month, day, 0, 0, 0, DateTimeKind.Utc);

    private static async Task SeedAsync()
    {
        await Database.EnsureCreatedAsync();
        await using (var pipeline = NpgsqlDataSource.Create(Database.Pipeline))
        {
            await DemoDataSeeder.SeedAsync(pipeline, Plan, TextWriter.Null);
        }

        // The planner's statistics, as autovacuum would gather them soon after a load.
        await using var owner = NpgsqlDataSource.Create(Database.Owner);
        await using var analyze = owner.CreateCommand("analyze brands, orders, ad_performance");
        await analyze.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// EXPLAIN of <paramref name="sql"/> prepared and run on its generic plan as the application role, with the tenant
    /// setting of <paramref name="tenant"/>. EXPLAIN EXECUTE takes no protocol parameters, so each value is bound to a
    /// transaction-local setting first and the EXECUTE reads it back with its type from <paramref name="types"/>.
    /// </summary>
    private static async Task<JsonElement> GenericPlanAsync(Guid tenant, string sql, string types, params object[] values)
    {
        await using var application = NpgsqlDataSource.Create(Database.Application);
        await using var connection = await application.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var settings = string.Join(", ", values.Select((_, i) => $"set_config('pulsepoint_test.v{i + 1}', ${i + 2}::text, true)"));
        await using (var set = new NpgsqlCommand(
            $"select set_config('app.current_tenant_id', $1, true), set_config('plan_cache_mode', 'force_generic_plan', true), {settings}",
            connection,
            transaction))
        {
            set.Parameters.Add(new NpgsqlParameter { Value = tenant.ToString() });
            foreach (var value in values)
            {
                set.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            await set.ExecuteNonQueryAsync();
        }

        await using (var prepare = new NpgsqlCommand($"prepare brand_query ({types}) as {sql}", connection, transaction))
        {
            await prepare.ExecuteNonQueryAsync();
        }

        var arguments = string.Join(", ", types.Split(", ").Select((type, i) => $"current_setting('pulsepoint_test.v{i + 1}')::{type}"));
        await using var explain = new NpgsqlCommand($"explain (format json) execute brand_query ({arguments})", connection, transaction);
        var json = (string)(await explain.ExecuteScalarAsync())!;
        return JsonDocument.Parse(json).RootElement[0].GetProperty("Plan").Clone();
    }

    /// <summary>Every plan node that scans <paramref name="relation"/>.</summary>
    private static IEnumerable<JsonElement> Scans(JsonElement node, string relation)
    {
        if (node.TryGetProperty("Relation Name", out var name) && name.GetString() == relation)
        {
            yield return node;
        }

        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray().SelectMany(c => Scans(c, relation)))
            {
                yield return child;
            }
        }
    }
}
