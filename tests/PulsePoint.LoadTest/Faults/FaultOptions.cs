using System.Globalization;

namespace PulsePoint.LoadTest.Faults;

/// <summary>Options of the fault suite (<c>PulsePoint.LoadTest faults [options] [scenario ...]</c>).</summary>
public sealed class FaultOptions
{
    public List<string> Scenarios { get; } = [];

    public int Silos { get; set; } = 3;

    public int Concurrency { get; set; } = 6;

    public int CheckConcurrency { get; set; } = 2;

    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    public int BatchSize { get; set; } = 20;

    public int Tenants { get; set; } = 20;

    public int Seed { get; set; } = 7;

    public TimeSpan WarmUp { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Measured before the fault: the throughput recovery is judged against this.</summary>
    public TimeSpan Before { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Load kept after the fault action ends (at least; longer until throughput is back, up to <see cref="MaxAfter"/>).</summary>
    public TimeSpan After { get; set; } = TimeSpan.FromSeconds(20);

    public TimeSpan MaxAfter { get; set; } = TimeSpan.FromSeconds(120);

    public TimeSpan KillHold { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan PostgresDown { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan PubSubDown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for every acknowledged event to be pulled from Pub/Sub after the load.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(180);

    /// <summary>How long the reconcile after a scenario reads a disagreeing tenant-day again before calling it drift.</summary>
    public TimeSpan ReconcileSettle { get; set; } = TimeSpan.FromSeconds(30);

    public int EmulatorPort { get; set; } = int.TryParse(Environment.GetEnvironmentVariable("PULSEPOINT_PUBSUB_PORT"), out var p) ? p : 8681;

    public string? MarkdownPath { get; set; }

    /// <summary>Where the per-second timelines go (default: the repository's .local/faults).</summary>
    public string? OutputDirectory { get; set; }

    public const string Usage = """
        PulsePoint fault suite (run it with deploy/faults.sh, which sets up PostgreSQL and the emulator)

        usage: PulsePoint.LoadTest faults [options] [SCENARIO ...]    (default: all)
        scenarios: kill-silo, postgres-restart, pubsub-outage, rolling-restart

        options:
          --concurrency N      append workers (6)          --batch N   events per append (20)
          --check-concurrency N tenant-check workers (2)   --tenants N active test tenants (20)
          --warmup S (5)  --before S (15)  --after S (20)  seconds of load around the fault
          --kill-hold S (15)   --pg-down S (10)   --pubsub-down S (30)
          --delivery-timeout S (180)  wait for Pub/Sub to deliver every acknowledged event
          --reconcile-settle S (30)   re-read a tenant-day the reconcile finds disagreeing for this long
          --markdown FILE      also write the report as a Markdown table
          --out DIR            per-second timelines, DIR/SCENARIO-timeline.csv (.local/faults)
        """;

    public static FaultOptions Parse(IReadOnlyList<string> args)
    {
        var options = new FaultOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double Number() => double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0
                ? v : throw new ArgumentException($"{args[i]} needs a non-negative number");
            int Whole() => (int)Number() is var n && n >= 1 ? n : throw new ArgumentException($"{args[i]} needs a whole number ≥ 1");
            TimeSpan Seconds() => TimeSpan.FromSeconds(Number());

            switch (args[i])
            {
                case "--concurrency": options.Concurrency = Whole(); break;
                case "--check-concurrency": options.CheckConcurrency = Whole(); break;
                case "--batch": options.BatchSize = Whole(); break;
                case "--tenants": options.Tenants = Whole(); break;
                case "--warmup": options.WarmUp = Seconds(); break;
                case "--before": options.Before = Seconds(); break;
                case "--after": options.After = Seconds(); break;
                case "--kill-hold": options.KillHold = Seconds(); break;
                case "--pg-down": options.PostgresDown = Seconds(); break;
                case "--pubsub-down": options.PubSubDown = Seconds(); break;
                case "--delivery-timeout": options.DeliveryTimeout = Seconds(); break;
                case "--reconcile-settle": options.ReconcileSettle = Seconds(); break;
                case "--markdown": options.MarkdownPath = Next(); break;
                case "--out": options.OutputDirectory = Next(); break;
                case var s when s.StartsWith("--", StringComparison.Ordinal): throw new ArgumentException($"unknown option {s}");
                default: options.Scenarios.Add(args[i]); break;
            }
        }

        if (options.Scenarios.Count == 0 || options.Scenarios.Contains("all"))
        {
            options.Scenarios.Clear();
            options.Scenarios.AddRange(FaultScenarios.All.Select(s => s.Name));
        }

        if (options.Scenarios.FirstOrDefault(n => FaultScenarios.All.All(s => s.Name != n)) is { } unknown)
        {
            throw new ArgumentException($"unknown scenario '{unknown}'; known: {string.Join(", ", FaultScenarios.All.Select(s => s.Name))}");
        }

        return options;
    }
}
