using System.Globalization;

namespace PulsePoint.LoadTest;

/// <summary>The driver's options, from <c>--name value</c> arguments.</summary>
public sealed class LoadOptions
{
    public List<string> Scenarios { get; } = [];

    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(20);

    public TimeSpan WarmUp { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Measured slices per phase: with N &gt; 1 the measured time alternates PulsePoint, baseline, PulsePoint, ...
    /// (N slices each, Duration / N long), so both meet the same machine load and table size.
    /// </summary>
    public int Rounds { get; set; } = 1;

    public int Concurrency { get; set; } = 16;

    /// <summary>Open-loop target rate (operations/s); null runs closed-loop at full speed.</summary>
    public double? Rate { get; set; }

    public int Tenants { get; set; } = 100;

    public int Brands { get; set; } = 5;

    public int Seed { get; set; } = 42;

    public string? JsonPath { get; set; }

    /// <summary>Exit non-zero when errors / operations exceeds this.</summary>
    public double MaxErrorRate { get; set; } = 0.01;

    public bool Baseline { get; set; } = true;

    /// <summary>
    /// Run PulsePoint and the baseline call by call, each pair with the same inputs, instead of in phases (read
    /// scenarios only; closed loop).
    /// </summary>
    public bool Paired { get; set; }

    /// <summary>Start a silo inside the driver instead of connecting to a running cluster.</summary>
    public bool InProcess { get; set; }

    public int GatewayPort { get; set; } = 30000;

    public int SiloPort { get; set; } = 11111;

    /// <summary>Weights of the mixed profile's operations (scenario name → weight).</summary>
    public IReadOnlyDictionary<string, int> Mix { get; set; } = ParseMix(DefaultMix);

    /// <summary>Tenant grains the grain-memory scenario activates.</summary>
    public int MemoryGrains { get; set; } = 10_000;

    /// <summary>A backend request checks its tenant and records an API event; some call a model or read a summary.</summary>
    public const string DefaultMix = "tenant-check=55,track-api=25,track-ai=10,brand-summary=10";

    /// <summary>What the mixed profile may contain.</summary>
    public static readonly IReadOnlyList<string> MixableScenarios = ["tenant-check", "brand-summary", "track-ai", "track-api"];

    public const string Usage = """
        PulsePoint load-test driver

        usage: PulsePoint.LoadTest [options] SCENARIO [SCENARIO ...]   (or: all)
               PulsePoint.LoadTest faults [options] [SCENARIO ...]        the fault suite (deploy/faults.sh; faults --help)
               PulsePoint.LoadTest bench-analytics [options]               the reports on synthetic DuckDB data (bench-analytics --help)

        options:
          --duration SECONDS     measured time per phase (20)
          --warmup SECONDS       unmeasured time before each phase (3)
          --rounds N             alternate PulsePoint and baseline in N slices of duration/N each, so
                                 both meet the same machine load and table size (1: one after the other)
          --concurrency N        concurrent callers (16)
          --rate OPS             open-loop target rate; latency counts from each call's intended start
                                 (corrects coordinated omission). Default: closed loop at full speed
          --tenants N            tenants used (100)        --brands N   brands per tenant (5)
          --seed N               seed for ids and choices (42)
          --no-baseline          skip the baseline phases
          --paired               alternate PulsePoint and baseline call by call, each pair with the same
                                 tenant, brand and range, so both meet the same moments of the machine
                                 (read scenarios only; closed loop; clears the connection pools after the
                                 warm-up; adds the pairs' median latency ratio and, from 10 s of pairs,
                                 the p50 and p99 ratios with 95% bounds)
          --json FILE            write every figure as JSON
          --max-error-rate F     exit 1 when errors/operations exceeds F (0.01)
          --in-process           host a silo inside the driver (ports --silo-port, --gateway-port)
          --gateway-port N       the cluster's gateway (30000)  --silo-port N  (11111)
          --mix NAME=W,...       weights of the mixed profile
                                 (tenant-check=55,track-api=25,track-ai=10,brand-summary=10)
          --grains N             tenant grains the grain-memory scenario activates (10000)

        scenarios: tenant-check, brand-summary, cross-brand, brand-summary-rls, cross-brand-rls,
        brand-sql-rls, ingest, track-ai, track-api, mixed, grain-memory
        (the two -rls grain scenarios need --in-process, and so do grain-memory's memory figures)

        Database settings as for the silo: PulsePoint__Database__Application / __Pipeline (see
        deploy/postgres.sh env). Connects to a Localhost cluster, or AdoNet with PulsePoint__Client__*.
        The run ends with a reconcile of the load's tenants (ledger, event store, live counters and, with
        --in-process, the warehouse); drift makes it exit 1.
        """;

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double Number() => double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0
                ? v : throw new ArgumentException($"{args[i]} needs a non-negative number");
            int Whole() => (int)Number() is var n && n >= 1 ? n : throw new ArgumentException($"{args[i]} needs a whole number ≥ 1");

            switch (args[i])
            {
                case "--duration": options.Duration = TimeSpan.FromSeconds(Number()); break;
                case "--warmup": options.WarmUp = TimeSpan.FromSeconds(Number()); break;
                case "--rounds": options.Rounds = Whole(); break;
                case "--concurrency": options.Concurrency = Whole(); break;
                case "--rate": options.Rate = Number() is > 0 and var r ? r : throw new ArgumentException("--rate must be > 0"); break;
                case "--tenants": options.Tenants = Whole(); break;
                case "--brands": options.Brands = Whole(); break;
                case "--seed": options.Seed = (int)Number(); break;
                case "--json": options.JsonPath = Next(); break;
                case "--max-error-rate": options.MaxErrorRate = Number(); break;
                case "--no-baseline": options.Baseline = false; break;
                case "--paired": options.Paired = true; break;
                case "--in-process": options.InProcess = true; break;
                case "--gateway-port": options.GatewayPort = Whole(); break;
                case "--silo-port": options.SiloPort = Whole(); break;
                case "--mix": options.Mix = ParseMix(Next()); break;
                case "--grains": options.MemoryGrains = Whole(); break;
                case var s when s.StartsWith("--", StringComparison.Ordinal): throw new ArgumentException($"unknown option {s}");
                default: options.Scenarios.Add(args[i]); break;
            }
        }

        if (options.Scenarios.Count == 0)
        {
            throw new ArgumentException("name at least one scenario (or: all)");
        }

        if (options.Paired && (options.Rate is not null || options.Rounds > 1 || !options.Baseline))
        {
            throw new ArgumentException("--paired runs closed loop with its baseline: leave out --rate, --rounds and --no-baseline");
        }

        return options;
    }

    private static Dictionary<string, int> ParseMix(string text)
    {
        var mix = new Dictionary<string, int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pieces.Length != 2 || !MixableScenarios.Contains(pieces[0])
                || !int.TryParse(pieces[1], NumberStyles.None, CultureInfo.InvariantCulture, out var weight))
            {
                throw new ArgumentException($"--mix wants NAME=WEIGHT pairs with NAME one of {string.Join(", ", MixableScenarios)}; got '{part}'");
            }

            mix[pieces[0]] = weight;
        }

        return mix.Values.Sum() > 0 ? mix : throw new ArgumentException("--mix needs a positive total weight");
    }
}
