using System.CommandLine;
using Npgsql;
using PulsePoint.Silo.Demo;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// <c>seed-demo</c>: fills the database with reproducible demo tenants, brands, orders and ad rows
/// (binary COPY through the pipeline role), for the README's run command and for benchmarks.
/// </summary>
public static class SeedDemoVerb
{
    public static Command Create()
    {
        var tenants = VerbOptions.WholeNumber("--tenants", "generated tenants", 10, 1, 100_000);
        var brands = VerbOptions.WholeNumber("--brands", "brands per tenant", 20, 1, 10_000);
        var orders = VerbOptions.WholeNumber("--orders", "orders per tenant", 10_000, 0, 100_000_000);
        var days = VerbOptions.WholeNumber("--days", "days of orders and ad rows, up to --until", 90, 1, 3_650);
        var seed = VerbOptions.WholeNumber("--seed", "seed of every generated value: the same --seed and --until give the same rows", 42, int.MinValue, int.MaxValue);
        var until = VerbOptions.Day("--until", "the last day of data [default: today, UTC]", required: false);
        var demoTenants = new Option<bool>("--demo-tenants") { Description = "seed the three fixed demo tenants instead of --tenants generated ones" };
        var command = new Command(
            "seed-demo",
            "load reproducible demo tenants, brands, orders and ad rows (pipeline role), then exit; tenants with brands are skipped")
        {
            tenants, brands, orders, days, seed, until, demoTenants,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var plan = new DemoDataPlan(
                result.GetValue(tenants),
                result.GetValue(brands),
                result.GetValue(orders),
                result.GetValue(days),
                result.GetValue(seed),
                result.GetValue(until) ?? DateOnly.FromDateTime(DateTime.UtcNow),
                result.GetValue(demoTenants) ? DemoTenants.All.Select(t => (t.Id, t.Name)).ToArray() : null);
            return SeedAsync(plan, VerbConfiguration.From(result), result.InvocationConfiguration.Output, cancellationToken);
        });
        return command;
    }

    private static async Task<int> SeedAsync(DemoDataPlan plan, IConfiguration configuration, TextWriter output, CancellationToken cancellationToken)
    {
        var pipeline = configuration[$"{DatabaseOptions.Section}:Pipeline"];
        if (string.IsNullOrWhiteSpace(pipeline))
        {
            throw new ConfigurationErrorException("PulsePoint:Database:Pipeline (the pipeline role's connection string) is required for seed-demo");
        }

        await using var dataSource = NpgsqlDataSource.Create(pipeline);
        var result = await DemoDataSeeder.SeedAsync(dataSource, plan, output, cancellationToken);
        await output.WriteLineAsync(
            $"seed-demo: {result.TenantsSeeded} tenant(s) seeded, {result.TenantsSkipped} skipped; {result.Brands} brands, " +
            $"{result.Orders} orders, {result.AdRows} ad rows in {result.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }
}
