using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Demo;

/// <summary>
/// Loads realistic, reproducible tenants, brands, orders and ad performance with binary COPY through
/// the pipeline role. COPY FROM is refused where RLS applies, which is why this runs as the BYPASSRLS
/// pipeline role and never as the application role; every row still carries its tenant_id and the
/// composite foreign keys hold. One transaction per tenant; a tenant that already has brands is
/// skipped, so a re-run (or an interrupted run) is safe.
/// </summary>
public static class DemoDataSeeder
{
    private const string InsertTenantSql = "insert into tenants (id, name) values ($1, $2) on conflict (id) do nothing";
    private const string HasBrandsSql = "select exists (select 1 from brands where tenant_id = $1)";
    private const string CopyBrandsSql = "copy brands (tenant_id, id, name) from stdin (format binary)";
    private const string CopyOrdersSql = "copy orders (tenant_id, id, brand_id, amount_usd, created_at) from stdin (format binary)";
    private const string CopyAdsSql = "copy ad_performance (tenant_id, id, brand_id, campaign_id, day, spend_usd, impressions, clicks) from stdin (format binary)";

    private static readonly string[] BrandWords =
    [
        "Northwind", "Summit", "Harbor", "Juniper", "Atlas", "Ember", "Willow", "Cascade", "Meridian", "Solstice",
        "Granite", "Lumen", "Orchard", "Tidal", "Aurora", "Fable", "Copper", "Prairie", "Zephyr", "Quartz",
    ];

    /// <summary>Rows loaded by one run.</summary>
    public sealed record Result(int TenantsSeeded, int TenantsSkipped, long Brands, long Orders, long AdRows, TimeSpan Elapsed);

    /// <summary>Loads <paramref name="plan"/>; writes one progress line per tenant to <paramref name="progress"/>.</summary>
    public static async Task<Result> SeedAsync(NpgsqlDataSource pipeline, DemoDataPlan plan, TextWriter progress, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var tenants = plan.TenantList();
        int seeded = 0, skipped = 0;
        long brands = 0, orders = 0, ads = 0;
        for (var i = 0; i < tenants.Count; i++)
        {
            var (tenant, name) = tenants[i];
            await using var connection = await pipeline.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var insert = new NpgsqlCommand(InsertTenantSql, connection, transaction))
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = tenant.Value });
                insert.Parameters.Add(new NpgsqlParameter { Value = name });
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var exists = new NpgsqlCommand(HasBrandsSql, connection, transaction))
            {
                exists.Parameters.Add(new NpgsqlParameter { Value = tenant.Value });
                if ((bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
                {
                    await transaction.CommitAsync(cancellationToken);
                    skipped++;
                    await progress.WriteLineAsync($"seed-demo: tenant {i + 1}/{tenants.Count} {tenant} already has brands, skipped");
                    continue;
                }
            }

            // A random stream per tenant: a tenant's rows do not depend on which other tenants were seeded.
            var random = new Random(unchecked(plan.Seed * 31 + tenant.Value.GetHashCode()));
            var counts = await SeedTenantAsync(connection, tenant, plan, random, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            seeded++;
            brands += counts.Brands;
            orders += counts.Orders;
            ads += counts.Ads;
            await progress.WriteLineAsync(
                $"seed-demo: tenant {i + 1}/{tenants.Count} {tenant}: {counts.Brands} brands, {counts.Orders} orders, {counts.Ads} ad rows ({clock.Elapsed.TotalSeconds:0.0} s)");
        }

        return new Result(seeded, skipped, brands, orders, ads, clock.Elapsed);
    }

    /// <summary>A version-4 UUID drawn from <paramref name="random"/>, so ids are reproducible from the seed.</summary>
    public static Guid SeededGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    /// <summary>The brand ids the plan gives <paramref name="tenant"/>, in brand order (for benchmarks and tests).</summary>
    public static IReadOnlyList<Guid> BrandIds(DemoDataPlan plan, TenantId tenant)
    {
        var random = new Random(unchecked(plan.Seed * 31 + tenant.Value.GetHashCode()));
        return Enumerable.Range(0, plan.BrandsPerTenant).Select(_ => SeededGuid(random)).ToArray();
    }

    private static async Task<(int Brands, long Orders, long Ads)> SeedTenantAsync(
        NpgsqlConnection connection, TenantId tenant, DemoDataPlan plan, Random random, CancellationToken cancellationToken)
    {
        var brandIds = Enumerable.Range(0, plan.BrandsPerTenant).Select(_ => SeededGuid(random)).ToArray();
        await using (var copy = await connection.BeginBinaryImportAsync(CopyBrandsSql, cancellationToken))
        {
            for (var b = 0; b < brandIds.Length; b++)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(tenant.Value, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(brandIds[b], NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync($"{BrandWords[b % BrandWords.Length]} {b + 1:00}", NpgsqlDbType.Text, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        // Skewed sales: brand k gets a share proportional to 1/(k+1), like real catalogues.
        var cumulative = new double[brandIds.Length];
        var total = 0.0;
        for (var b = 0; b < brandIds.Length; b++)
        {
            total += 1.0 / (b + 1);
            cumulative[b] = total;
        }

        var firstDay = plan.Until.AddDays(1 - plan.Days);
        var start = new DateTime(firstDay, TimeOnly.MinValue, DateTimeKind.Utc);
        var spanSeconds = plan.Days * 86_400.0;
        await using (var copy = await connection.BeginBinaryImportAsync(CopyOrdersSql, cancellationToken))
        {
            for (var o = 0; o < plan.OrdersPerTenant; o++)
            {
                var pick = Array.BinarySearch(cumulative, random.NextDouble() * total);
                var brand = brandIds[pick < 0 ? Math.Min(~pick, brandIds.Length - 1) : pick];
                // Mostly small baskets, a long tail of big ones: 5 to ~400 dollars.
                var amount = Math.Round((decimal)(5 + Math.Exp(random.NextDouble() * 6)), 2);
                copy.StartRow();
                copy.Write(tenant.Value, NpgsqlDbType.Uuid);
                copy.Write(SeededGuid(random), NpgsqlDbType.Uuid);
                copy.Write(brand, NpgsqlDbType.Uuid);
                copy.Write(amount, NpgsqlDbType.Numeric);
                copy.Write(start.AddSeconds(Math.Floor(random.NextDouble() * spanSeconds)), NpgsqlDbType.TimestampTz);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        long ads = 0;
        await using (var copy = await connection.BeginBinaryImportAsync(CopyAdsSql, cancellationToken))
        {
            for (var b = 0; b < brandIds.Length; b++)
            {
                var campaigns = 1 + random.Next(4);
                for (var c = 0; c < campaigns; c++)
                {
                    for (var d = 0; d < plan.Days; d++)
                    {
                        // Some days a campaign is paused: a row with zeros, which is not "active".
                        var paused = random.NextDouble() < 0.1;
                        var impressions = paused ? 0 : random.Next(100, 20_000);
                        copy.StartRow();
                        copy.Write(tenant.Value, NpgsqlDbType.Uuid);
                        copy.Write(SeededGuid(random), NpgsqlDbType.Uuid);
                        copy.Write(brandIds[b], NpgsqlDbType.Uuid);
                        copy.Write($"campaign-{b + 1:00}-{c + 1}", NpgsqlDbType.Text);
                        copy.Write(firstDay.AddDays(d), NpgsqlDbType.Date);
                        copy.Write(paused ? 0m : Math.Round((decimal)(random.NextDouble() * 200), 2), NpgsqlDbType.Numeric);
                        copy.Write((long)impressions, NpgsqlDbType.Bigint);
                        copy.Write((long)(impressions * random.NextDouble() * 0.05), NpgsqlDbType.Bigint);
                        ads++;
                    }
                }
            }

            await copy.CompleteAsync(cancellationToken);
        }

        return (brandIds.Length, plan.OrdersPerTenant, ads);
    }
}
