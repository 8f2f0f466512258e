using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ClientMessagingOptions = Orleans.Configuration.ClientMessagingOptions;
using PulsePoint.Analytics;
using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Destinations;
using PulsePoint.Events;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// <c>reconcile [--tenant ID] [--from DATE] [--to DATE] [--counters cluster|skip] [--settle SECONDS] [--lag SECONDS]</c>: per tenant
/// and UTC day, do the ledger, the event store's AI costs, the tenant grain's live counters (today) and the warehouse
/// agree? Exit 0 when every checked source equals the ledger at 12 decimal places, 1 when one drifts, 2 on a usage
/// error. A source that cannot be read (no cluster reachable for the counters, no warehouse configured) is reported
/// as not checked, with the reason, and is not drift. A tenant-day that disagrees is read again for <c>--settle</c>
/// seconds (10) before it is drift; events younger than <c>--lag</c> seconds (120) are left out of the event store's and
/// the warehouse's comparison, since under live traffic they may still be on their way.
/// </summary>
/// <remarks>
/// The counters are read through an Orleans client that joins the cluster this configuration describes
/// (<c>PulsePoint:Silo</c>: the Localhost gateway port, or the AdoNet membership table through the application role).
/// The warehouse is the configured one: the DuckDB file opened read-only, as the <c>report</c> verb does, or, when a
/// running silo holds that file, through the silo's <see cref="IAnalyticsGrain"/>; or BigQuery.
/// </remarks>
public static class ReconcileVerb
{
    public const string UsageLine = "reconcile  [--tenant ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--counters cluster|skip] [--settle SECONDS] [--lag SECONDS]   do ledger, events, live counters and warehouse agree on AI cost per day?";

    /// <summary>Days reconciled without --from: the last week up to --to (default today).</summary>
    public const int DefaultDays = 7;

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);
    private static readonly string[] Names = ["tenant", "from", "to", "counters", "settle", "lag"];
    private static readonly string[] Header = ["tenant", "day", "ledger_usd", "unpriced", "events_usd", "counters_usd", "warehouse_usd", "status"];

    /// <summary>The verb as the silo executable runs it: the counters through the configured cluster, errors on stderr.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output) => RunAsync(args, output, Console.Error, counters: null, TimeProvider.System);

    /// <summary>The verb with its collaborators given.</summary>
    /// <param name="args">Options and <c>--PulsePoint:…=value</c> settings.</param>
    /// <param name="output">Where the table goes.</param>
    /// <param name="error">Where a usage error's one line goes.</param>
    /// <param name="counters">Reads the live counters instead of a client of the configured cluster (tests pass their test cluster's); null: connect.</param>
    /// <param name="time">The clock that says which UTC day is today.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, ICostCounterReader? counters, TimeProvider time)
    {
        try
        {
            return await ReconcileAsync(args, output, counters, time);
        }
        catch (ConfigurationErrorException e)
        {
            await error.WriteLineAsync($"PulsePoint.Silo: reconcile: {e.Message}");
            return 2;
        }
    }

    private static async Task<int> ReconcileAsync(string[] args, TextWriter output, ICostCounterReader? injectedCounters, TimeProvider time)
    {
        var (options, settings) = Split(args);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        TenantId? tenant = options.TryGetValue("tenant", out var text)
            ? TenantId.TryParse(text, out var id) ? id : throw Usage($"--tenant must be a tenant id (a canonical UUID), not '{Shorten(text)}'")
            : null;
        var to = options.ContainsKey("to") ? Date(options, "to") : today;
        var from = options.ContainsKey("from") ? Date(options, "from") : to.AddDays(-(DefaultDays - 1));
        if (to < from)
        {
            throw Usage($"--to {to:yyyy-MM-dd} is before --from {from:yyyy-MM-dd}");
        }

        if (to.DayNumber - from.DayNumber + 1 > ReconciliationOptions.MaxDays)
        {
            throw Usage($"the range covers {to.DayNumber - from.DayNumber + 1} days; at most {ReconciliationOptions.MaxDays}");
        }

        var countersMode = options.GetValueOrDefault("counters", "cluster");
        if (countersMode is not ("cluster" or "skip"))
        {
            throw Usage($"--counters must be cluster or skip, not '{Shorten(countersMode)}'");
        }

        var settle = options.TryGetValue("settle", out var seconds)
            ? double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s is >= 0 and <= 600
                ? TimeSpan.FromSeconds(s)
                : throw Usage($"--settle must be a number of seconds from 0 to 600, not '{Shorten(seconds)}'")
            : new ReconciliationOptions().Settle;

        var lag = options.TryGetValue("lag", out var lagSeconds)
            ? double.TryParse(lagSeconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var l) && l is >= 0 and <= 3600
                ? TimeSpan.FromSeconds(l)
                : throw Usage($"--lag must be a number of seconds from 0 to 3600, not '{Shorten(lagSeconds)}'")
            : new ReconciliationOptions().LiveLag;

        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(settings)
            .Build();
        var database = ValidatedOptions.Bind<DatabaseOptions>(configuration, DatabaseOptions.Section);
        if (tenant is null && string.IsNullOrWhiteSpace(database.Pipeline))
        {
            throw Usage("without --tenant every tenant is reconciled, and listing them needs PulsePoint:Database:Pipeline; set it or pass --tenant");
        }

        var events = ValidatedOptions.Bind<EventOptions>(configuration, EventOptions.Section);
        var reconcileOptions = new ReconciliationOptions { Settle = settle, LiveLag = lag, EventRetentionDays = events.RetentionDays };
        await using var sources = new DataSources(Options.Create(database));
        var lookup = new Reconciliation(sources, ReconciliationSource<ICostCounterReader>.NotChecked("not needed"),
            ReconciliationSource<IAnalyticsWarehouse>.NotChecked("not needed"), reconcileOptions, time, NullLogger<Reconciliation>.Instance);
        IReadOnlyList<TenantId> tenants = tenant is { } one
            ? await lookup.ExistsAsync(one) ? [one] : throw Usage($"no tenant has the id {one}")
            : await lookup.AllTenantsAsync(from, to);

        Cluster? cluster = null;
        ServiceProvider? bigQuery = null;
        try
        {
            ReconciliationSource<ICostCounterReader> counters;
            if (today < from || today > to)
            {
                counters = ReconciliationSource<ICostCounterReader>.NotChecked("the range does not include today");
            }
            else if (countersMode == "skip")
            {
                counters = ReconciliationSource<ICostCounterReader>.NotChecked("--counters skip");
            }
            else if (injectedCounters is not null)
            {
                counters = ReconciliationSource<ICostCounterReader>.Of(injectedCounters, "tenant grains, through the given reader");
            }
            else
            {
                cluster = await Cluster.ConnectAsync(configuration, database);
                counters = cluster.Grains is { } grains
                    ? ReconciliationSource<ICostCounterReader>.Of(new ClusterCostCounters(grains), "tenant grains through " + cluster.Description)
                    : ReconciliationSource<ICostCounterReader>.NotChecked(cluster.Description);
            }

            var selection = configuration.GetSection(DestinationSelectionOptions.Section).Get<DestinationSelectionOptions>() ?? new DestinationSelectionOptions();
            ReconciliationSource<IAnalyticsWarehouse> warehouse;
            switch (selection.Warehouse)
            {
                case WarehouseDestinationKind.DuckDb:
                    var path = Path.GetFullPath(configuration[$"{DuckDbOptions.Section}:Path"] ?? new DuckDbOptions().Path);
                    if (!File.Exists(path))
                    {
                        warehouse = ReconciliationSource<IAnalyticsWarehouse>.NotChecked($"the DuckDB file {path} does not exist (PulsePoint:Destinations:DuckDb:Path)");
                    }
                    else if (await CanOpenReadOnlyAsync(path))
                    {
                        warehouse = ReconciliationSource<IAnalyticsWarehouse>.Of(
                            new DuckDbAnalyticsWarehouse(ct => OpenReadOnlyAsync(path, ct)), $"DuckDB file {path}, read-only");
                    }
                    else
                    {
                        // A running silo writes the file, and DuckDB admits no second process: ask that silo.
                        cluster ??= await Cluster.ConnectAsync(configuration, database);
                        warehouse = cluster.Grains is { } grains
                            ? ReconciliationSource<IAnalyticsWarehouse>.Of(new ClusterAnalyticsWarehouse(grains), $"DuckDB file {path}, read by the running silo that holds it, through {cluster.Description}")
                            : ReconciliationSource<IAnalyticsWarehouse>.NotChecked($"the DuckDB file {path} is open in another process, and {cluster.Description}");
                    }

                    break;
                case WarehouseDestinationKind.BigQuery:
                    bigQuery = new ServiceCollection().AddLogging().AddPulsePointAnalytics(configuration).BuildServiceProvider();
                    warehouse = ReconciliationSource<IAnalyticsWarehouse>.Of(bigQuery.GetRequiredService<IAnalyticsWarehouse>(),
                        $"BigQuery project {configuration[$"{BigQueryOptions.Section}:ProjectId"]}");
                    break;
                default:
                    warehouse = ReconciliationSource<IAnalyticsWarehouse>.NotChecked($"PulsePoint:Destinations:Warehouse is {selection.Warehouse}");
                    break;
            }

            var reconciliation = new Reconciliation(sources, counters, warehouse, reconcileOptions, time, NullLogger<Reconciliation>.Instance);
            var report = await reconciliation.RunAsync(tenants, from, to);
            if (warehouse.IsChecked && !string.IsNullOrWhiteSpace(database.Pipeline)
                && await reconciliation.UndeliveredAsync(selection.Warehouse == WarehouseDestinationKind.BigQuery ? "bigquery" : "duckdb") is > 0 and var undelivered)
            {
                report = report with
                {
                    Sources =
                    [
                        .. report.Sources,
                        ("relay", string.Create(CultureInfo.InvariantCulture,
                            $"{undelivered} committed events (all tenants) are not yet in the warehouse; the relay delivers them, after a silo stop at its next start")),
                    ],
                };
            }

            await output.WriteAsync(Render(report));
            return report.Agrees ? 0 : 1;
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }

            if (bigQuery is not null)
            {
                await bigQuery.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The report as people read it: one aligned row per tenant-day with AI usage or cost in any source (the others
    /// are counted, not listed), each disagreement named with both amounts, where each source was read, and the
    /// summary line last.
    /// </summary>
    public static string Render(ReconciliationReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"AI cost per tenant and UTC day from {report.From:yyyy-MM-dd} to {report.To:yyyy-MM-dd}, each source against the ledger at {ReconciliationOptions.MoneyDecimals} decimals");
        var listed = report.Days.Where(d => d.HasActivity).ToList();
        if (listed.Count == 0)
        {
            text.AppendLine("no AI usage or cost in any source on these tenant-days");
        }
        else
        {
            var rows = new List<string[]> { Header };
            rows.AddRange(listed.Select(d => new[]
            {
                d.Tenant.ToString(),
                d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + (d.Before is null ? "" : "*"),
                ReconciliationDrift.Money(d.LedgerUsd),
                d.UnpricedEvents.ToString(CultureInfo.InvariantCulture),
                Cell(d.Events),
                Cell(d.Counters),
                Cell(d.Warehouse),
                d.Drifted ? string.Join("; ", d.Drifts) : "ok",
            }));
            var widths = Header.Select((_, c) => rows.Max(r => r[c].Length)).ToArray();
            foreach (var row in rows)
            {
                // Tenant, day and status left-aligned, amounts right-aligned.
                text.AppendLine(string.Join("  ", row.Select((cell, c) => c is < 2 or 7 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
            }
        }

        foreach (var (source, description) in report.Sources)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{source + ":",-10} {description}");
        }

        var unlisted = report.TenantDaysChecked - listed.Count;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"reconcile: {report.TenantDaysChecked} tenant-days checked, {report.Drifted} drifted{(unlisted > 0 ? $" ({unlisted} without AI usage or cost in any source, not listed)" : "")}");
        return text.ToString();
    }

    private static string Cell(ReconciliationAmount amount) =>
        amount.Usd is { } usd ? ReconciliationDrift.Money(usd) : amount.NotCheckedReason is null ? "—" : "not checked";

    private static async Task<bool> CanOpenReadOnlyAsync(string path)
    {
        try
        {
            await using var connection = await OpenReadOnlyAsync(path, CancellationToken.None);
            return true;
        }
        catch (DuckDBException e) when (e.Message.Contains("lock", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
    }

    private static async Task<DuckDBConnection> OpenReadOnlyAsync(string path, CancellationToken cancellationToken)
    {
        var connection = new DuckDBConnection($"Data Source={path};ACCESS_MODE=READ_ONLY");
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static (Dictionary<string, string> Options, string[] Settings) Split(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var settings = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--PulsePoint", StringComparison.OrdinalIgnoreCase))
            {
                settings.Add(arg);
                continue;
            }

            var name = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : throw Usage($"unexpected argument '{Shorten(arg)}'");
            if (!Names.Contains(name))
            {
                throw Usage($"unknown option '--{Shorten(name)}'");
            }

            options[name] = i + 1 < args.Length ? args[++i] : throw Usage($"--{name} needs a value");
        }

        return (options, settings.ToArray());
    }

    private static DateOnly Date(Dictionary<string, string> options, string name) =>
        DateOnly.TryParseExact(options[name], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw Usage($"--{name} must be a date like 2026-11-01, not '{Shorten(options[name])}'");

    private static string Shorten(string value) => value.Length > 60 ? value[..60] + "…" : value;

    private static ConfigurationErrorException Usage(string message) => new($"{message} (usage: PulsePoint.Silo {UsageLine[..UsageLine.IndexOf("   ", StringComparison.Ordinal)]})");

    /// <summary>An Orleans client of the configured cluster, or why none could connect.</summary>
    private sealed class Cluster : IAsyncDisposable
    {
        private readonly IHost? _host;

        private Cluster(IHost? host, string description)
        {
            _host = host;
            Description = description;
        }

        /// <summary>The connected client's grains; null when no cluster was reachable.</summary>
        public IGrainFactory? Grains => _host?.Services.GetRequiredService<IClusterClient>();

        /// <summary>Which cluster it joined, or why it could not.</summary>
        public string Description { get; }

        /// <summary>Joins the cluster that <c>PulsePoint:Silo</c> describes, as a client of the client library.</summary>
        public static async Task<Cluster> ConnectAsync(IConfiguration configuration, DatabaseOptions database)
        {
            var silo = ValidatedOptions.Bind<SiloOptions>(configuration, SiloOptions.Section);
            var client = new PulsePointClientOptions
            {
                Clustering = silo.Clustering.ToString(),
                GatewayPort = silo.GatewayPort,
                ClusterId = silo.ClusterId,
                ServiceId = silo.ServiceId,
                MembershipConnectionString = database.Application,
                EventStreams = false,
            };
            var where = silo.Clustering == ClusteringMode.AdoNet
                ? $"cluster {silo.ClusterId} (gateways from the membership table)"
                : $"the gateway 127.0.0.1:{silo.GatewayPort}";
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.UseOrleansClient(orleans => orleans
                .ConfigurePulsePoint(client)
                .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = CallTimeout)
                .UseConnectionRetryFilter(new FewAttempts()));
            var host = builder.Build();
            var start = host.StartAsync();
            try
            {
                if (await Task.WhenAny(start, Task.Delay(ConnectTimeout)) != start)
                {
                    throw new TimeoutException($"no connection within {ConnectTimeout.TotalSeconds:0} s");
                }

                await start;
                return new Cluster(host, where);
            }
            catch (Exception e)
            {
                _ = start.ContinueWith(_ => host.Dispose(), TaskScheduler.Default);
                var reason = e.Message.ReplaceLineEndings(" ");
                return new Cluster(null, $"no cluster reachable at {where} ({e.GetType().Name}: {(reason.Length > 160 ? reason[..160] + "…" : reason)})");
            }
        }

        /// <summary>
        /// A one-off command does not wait minutes for a cluster that is down (the client's default retries for three):
        /// a few attempts a second apart, then the counters are reported as not checked.
        /// </summary>
        private sealed class FewAttempts : IClientConnectionRetryFilter
        {
            private int _attempts;

            public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
            {
                if (++_attempts >= 3)
                {
                    return false;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                return true;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_host is not null)
            {
                await _host.StopAsync(TimeSpan.FromSeconds(5));
                _host.Dispose();
            }
        }
    }
}
