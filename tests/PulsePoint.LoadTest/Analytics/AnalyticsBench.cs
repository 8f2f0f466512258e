using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PulsePoint.Analytics;
using PulsePoint.Destinations;
using PulsePoint.Tenancy;

namespace PulsePoint.LoadTest.Analytics;

/// <summary>
/// <c>bench-analytics</c>: fills a fresh DuckDB warehouse (the writer's schema) with synthetic events generated inside
/// DuckDB (<c>INSERT ... SELECT ... FROM range(n)</c>, deterministic: tenant = i mod tenants, timestamps spread by
/// <c>hash(i)</c> over the days), re-clusters it by tenant as the writer does after each cleanup (unless
/// <c>--cluster false</c>), then times each report's warehouse query for one tenant over the whole range and prints
/// p50/p99. PostgreSQL's tenant lookup is not included.
/// </summary>
public static class AnalyticsBench
{
    private const string GenerateSql = """
        insert into observability_events
        select gen_random_uuid(), null,
               cast('00000000-0000-4000-8000-' || lpad(cast(i % $tenants + 1 as varchar), 12, '0') as uuid),
               null, null,
               case when (i // $tenants) % 2 = 0 then 'ai.operations' else 'api.lifecycle' end,
               case when (i // $tenants) % 2 = 0 then 'ai.answer_generated' else 'api.route_' || cast((i // $tenants) % 7 as varchar) end,
               case when i % 53 = 0 then 'error' else 'info' end,
               case when i % 19 = 0 then 'failure' else 'success' end,
               $start + to_microseconds(cast(hash(i) % $span as bigint)),
               cast(hash(i * 7 + 1) % 2000 + 1 as double),
               null,
               case when (i // $tenants) % 2 = 0 then 1500 + i % 700 end,
               case when (i // $tenants) % 2 = 0 then 1000 + i % 500 end,
               case when (i // $tenants) % 2 = 0 then 500 + i % 200 end,
               null, null,
               case when (i // $tenants) % 2 = 0 then cast((i % 500) / 10000.0 as decimal(18, 6)) end,
               case when i % 3 = 0 then (i % 9) / 8.0 end,
               false, null, null, null,
               case when (i // $tenants) % 2 = 0 then ['claude-3-sonnet', 'claude-3-haiku', 'gpt-4o'][i % 3 + 1] end,
               1
        from range($events) t(i)
        """;

    /// <summary>The <c>bench-analytics</c> command: parse, generate, time, print; exit 2 on a usage error.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output)
    {
        AnalyticsBenchOptions options;
        try
        {
            if (args.Contains("--help") || args.Contains("-h"))
            {
                output.WriteLine(AnalyticsBenchOptions.Usage);
                return 0;
            }

            options = AnalyticsBenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"PulsePoint.LoadTest bench-analytics: {e.Message}; see bench-analytics --help");
            return 2;
        }

        await RunAsync(options, output);
        return 0;
    }

    /// <summary>Generates the data, times the reports and prints the table.</summary>
    public static async Task RunAsync(AnalyticsBenchOptions options, TextWriter output)
    {
        var (events, tenants, days, runs, cluster) = (options.Events, options.Tenants, options.Days, options.Runs, options.Cluster);
        var path = Path.GetFullPath(options.Path);
        foreach (var file in new[] { path, path + ".wal" })
        {
            File.Delete(file);
        }

        var end = new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
        var start = end.AddDays(-days);
        await using var warehouse = new DuckDbWarehouse(Options.Create(new DuckDbOptions { Path = path }), TimeProvider.System, NullLogger<DuckDbWarehouse>.Instance);
        warehouse.Open();
        var clock = Stopwatch.StartNew();
        await using (var connection = await warehouse.OpenReadConnectionAsync(CancellationToken.None))
        await using (var generate = connection.CreateCommand())
        {
            generate.CommandText = GenerateSql;
            generate.Parameters.Add(new DuckDBParameter("tenants", tenants));
            generate.Parameters.Add(new DuckDBParameter("start", start));
            generate.Parameters.Add(new DuckDBParameter("span", (long)TimeSpan.FromDays(days).TotalMicroseconds));
            generate.Parameters.Add(new DuckDBParameter("events", events));
            await generate.ExecuteNonQueryAsync();
        }

        output.WriteLine($"generated {events:N0} events for {tenants} tenants over {days} days in {clock.Elapsed.TotalSeconds:0.0} s ({path})");
        if (cluster)
        {
            clock.Restart();
            await warehouse.ClusterAsync(CancellationToken.None);
            output.WriteLine($"re-clustered by (tenant_id, timestamp) in {clock.Elapsed.TotalSeconds:0.0} s");
        }

        var dialect = new DuckDbAnalyticsWarehouse(warehouse.OpenReadConnectionAsync);
        var tenant = TenantId.Parse("00000000-0000-4000-8000-000000000001");
        var range = new AnalyticsRange(start, end);
        var reports = new (string Name, Func<Task<int>> Run)[]
        {
            ("open+1", async () =>
            {
                await using var c = await warehouse.OpenReadConnectionAsync(CancellationToken.None);
                await using var q = c.CreateCommand();
                q.CommandText = "select 1";
                await q.ExecuteScalarAsync();
                return 1;
            }),
            ("usage", async () => (await dialect.DailyModelUsageAsync(tenant, range, CancellationToken.None)).Count),
            ("accuracy", async () => (await dialect.AccuracyAsync(tenant, range, CancellationToken.None)).Count),
            ("latency", async () => (await dialect.LatencyAsync(tenant, range, CancellationToken.None)).Count),
            ("cost", async () => (await dialect.DailyCostAsync(tenant, range, CancellationToken.None)).Count),
            ("errors", async () => (await dialect.ErrorRatesAsync(tenant, range, CancellationToken.None)).Count),
        };
        output.WriteLine($"one tenant ({events / tenants:N0} events), {days} days, {runs} runs each after one warm-up:");
        output.WriteLine("  report     rows    p50 ms    p99 ms");
        foreach (var (name, run) in reports)
        {
            var rows = await run();
            var times = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var one = Stopwatch.StartNew();
                await run();
                times.Add(one.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            double P(double p) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(p * times.Count) - 1)];
            output.WriteLine($"  {name,-8} {rows,6} {P(0.50),9:0.0} {P(0.99),9:0.0}");
        }
    }
}
