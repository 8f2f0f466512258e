using System.Globalization;

namespace PulsePoint.LoadTest.Analytics;

/// <summary>The <c>bench-analytics</c> command's options, from <c>--name value</c> arguments.</summary>
public sealed class AnalyticsBenchOptions
{
    /// <summary>Synthetic events generated.</summary>
    public long Events { get; set; } = 10_000_000;

    /// <summary>Tenants they are spread over (event i belongs to tenant i mod N).</summary>
    public int Tenants { get; set; } = 100;

    /// <summary>Days they are spread over, ending 2026-11-26.</summary>
    public int Days { get; set; } = 90;

    /// <summary>Timed runs of each report, after one warm-up.</summary>
    public int Runs { get; set; } = 20;

    /// <summary>Re-cluster the table by tenant before timing, as the warehouse writer does after each cleanup.</summary>
    public bool Cluster { get; set; } = true;

    /// <summary>The DuckDB file, deleted and created anew.</summary>
    public string Path { get; set; } = ".local/bench-analytics.duckdb";

    public const string Usage = """
        PulsePoint analytics benchmark: the five reports on synthetic DuckDB data

        usage: PulsePoint.LoadTest bench-analytics [options]

        Fills a fresh DuckDB warehouse (the writer's schema) with synthetic events generated inside DuckDB
        (deterministic: tenant = i mod tenants, timestamps spread by hash(i) over the days), re-clusters it by
        tenant as the writer does after each cleanup, then times each report's warehouse query for one tenant
        over the whole range and prints p50 and p99. PostgreSQL is not needed (and its tenant lookup not timed).

        options:
          --events N            synthetic events (10000000)
          --tenants N           tenants they belong to (100)
          --days N              days they span, ending 2026-11-26 (90)
          --runs N              timed runs per report after one warm-up (20)
          --cluster true|false  re-cluster by (tenant_id, timestamp) before timing (true)
          --path FILE           the DuckDB file, replaced (.local/bench-analytics.duckdb)
        """;

    public static AnalyticsBenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new AnalyticsBenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            long Whole() => long.TryParse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1
                ? n : throw new ArgumentException($"{args[i]} needs a whole number ≥ 1");
            int Small() => Whole() is var n && n <= int.MaxValue ? (int)n : throw new ArgumentException($"{args[i]} is too large");

            switch (args[i])
            {
                case "--events": options.Events = Whole(); break;
                case "--tenants": options.Tenants = Small(); break;
                case "--days": options.Days = Small(); break;
                case "--runs": options.Runs = Small(); break;
                case "--cluster":
                    options.Cluster = Next() switch
                    {
                        "true" => true,
                        "false" => false,
                        _ => throw new ArgumentException($"{args[i]} takes true or false"),
                    };
                    break;
                case "--path": options.Path = Next(); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        return options;
    }
}
