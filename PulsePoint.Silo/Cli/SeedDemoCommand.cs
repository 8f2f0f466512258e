using System.Globalization;
using Npgsql;
using PulsePoint.Silo.Demo;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// <c>seed-demo</c>: fills the database with reproducible demo tenants, brands, orders and ad rows
/// (binary COPY through the pipeline role), for the README's run command and for benchmarks.
/// </summary>
public static class SeedDemoCommand
{
    public const string Usage = """
          seed-demo  load reproducible demo data through the pipeline role (binary COPY), then exit:
                       --tenants N (10) --brands M (20) --orders K per tenant (10000) --days D (90)
                       [--seed S (42)] [--until yyyy-MM-dd (today, UTC)] [--demo-tenants]
                     --demo-tenants seeds the three fixed demo tenants instead of N generated ones.
                     Same seed and --until give the same rows; tenants that have brands are skipped.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var (plan, rest) = Parse(args);
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(rest)
            .Build();
        var pipeline = configuration[$"{DatabaseOptions.Section}:Pipeline"];
        if (string.IsNullOrWhiteSpace(pipeline))
        {
            throw new ConfigurationErrorException("PulsePoint:Database:Pipeline (the pipeline role's connection string) is required for seed-demo");
        }

        await using var dataSource = NpgsqlDataSource.Create(pipeline);
        var result = await DemoDataSeeder.SeedAsync(dataSource, plan, Console.Out);
        Console.WriteLine(
            $"seed-demo: {result.TenantsSeeded} tenant(s) seeded, {result.TenantsSkipped} skipped; {result.Brands} brands, " +
            $"{result.Orders} orders, {result.AdRows} ad rows in {result.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

    private static (DemoDataPlan Plan, string[] Remaining) Parse(string[] args)
    {
        int tenants = 10, brands = 20, orders = 10_000, days = 90, seed = 42;
        var until = DateOnly.FromDateTime(DateTime.UtcNow);
        var fixedTenants = false;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--tenants": tenants = Int(args, ref i, 1, 100_000); break;
                case "--brands": brands = Int(args, ref i, 1, 10_000); break;
                case "--orders": orders = Int(args, ref i, 0, 100_000_000); break;
                case "--days": days = Int(args, ref i, 1, 3_650); break;
                case "--seed": seed = Int(args, ref i, int.MinValue, int.MaxValue); break;
                case "--until":
                    until = DateOnly.TryParseExact(Value(args, ref i), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                        ? day
                        : throw new ConfigurationErrorException("seed-demo: --until takes a date like 2026-11-26");
                    break;
                case "--demo-tenants": fixedTenants = true; break;
                default: rest.Add(args[i]); break;
            }
        }

        var plan = new DemoDataPlan(tenants, brands, orders, days, seed, until,
            fixedTenants ? DemoTenants.All.Select(t => (t.Id, t.Name)).ToArray() : null);
        return (plan, rest.ToArray());
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ConfigurationErrorException($"seed-demo: {args[i - 1]} needs a value");

    private static int Int(string[] args, ref int i, int min, int max)
    {
        var name = args[i];
        return int.TryParse(Value(args, ref i), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ConfigurationErrorException($"seed-demo: {name} takes a whole number from {min} to {max}");
    }
}
