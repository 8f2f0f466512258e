using System.CommandLine;
using System.Globalization;
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
    /// <summary>Days reconciled without --from: the last week up to --to (default today).</summary>
    public const int DefaultDays = 7;

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);

    private static readonly OutputColumn[] Columns =
    [
        new("tenant"), new("day"), new("ledger_usd", ColumnKind.Number), new("unpriced", ColumnKind.Number), new("events_usd", ColumnKind.Number),
        new("counters_usd", ColumnKind.Number), new("warehouse_usd", ColumnKind.Number), new("status"),
    ];

    /// <summary>The verb as the silo executable runs it: the live counters through a client of the configured cluster.</summary>
    public static Command Create() => Create(counters: null, TimeProvider.System);

    /// <summary>The verb with its collaborators given.</summary>
    /// <param name="counters">Reads the live counters instead of a client of the configured cluster (tests pass their test cluster's); null: connect.</param>
    /// <param name="time">The clock that says which UTC day is today.</param>
    public static Command Create(ICostCounterReader? counters, TimeProvider time)
    {
        var defaults = new ReconciliationOptions();
        var tenant = VerbOptions.Tenant("one tenant [default: every tenant the ledger or the tenants table knows; needs PulsePoint:Database:Pipeline]", required: false);
        var from = VerbOptions.Day("--from", $"the first UTC day [default: {DefaultDays - 1} days before --to]", required: false);
        var to = VerbOptions.Day("--to", "the last UTC day [default: today]", required: false);
        var countersMode = VerbOptions.OneOf("--counters", "read the tenant grains' live counters (today) through the configured cluster, or skip them", "cluster", "skip");
        var settle = VerbOptions.Seconds("--settle", "how long a disagreeing tenant-day is read again before it is drift", defaults.Settle, 600);
        var lag = VerbOptions.Seconds("--lag", "events younger than this are left out of the event store's and the warehouse's comparison (still on their way)", defaults.LiveLag, 3600);
        var command = new Command(
            "reconcile",
            "do the usage ledger, event store, live counters and warehouse agree on AI cost per tenant and UTC day? (exit 1: drift)")
        {
            tenant, from, to, countersMode, settle, lag,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var last = result.GetValue(to) ?? today;
            var request = new Request(
                result.GetValue(tenant),
                result.GetValue(from) ?? last.AddDays(-(DefaultDays - 1)),
                last,
                result.GetValue(countersMode) == "cluster",
                TimeSpan.FromSeconds(result.GetValue(settle)),
                TimeSpan.FromSeconds(result.GetValue(lag)));
            return ReconcileAsync(request, VerbConfiguration.From(result), result.InvocationConfiguration.Output, counters, time, cancellationToken);
        });
        return command;
    }

    private static async Task<int> ReconcileAsync(
        Request request, IConfiguration configuration, TextWriter output, ICostCounterReader? injectedCounters, TimeProvider time, CancellationToken cancellationToken)
    {
        var (tenant, from, to, readCounters, settle, lag) = request;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (to < from)
        {
            throw new VerbUsageException($"--to {to:yyyy-MM-dd} is before --from {from:yyyy-MM-dd}");
        }

        if (to.DayNumber - from.DayNumber + 1 > ReconciliationOptions.MaxDays)
        {
            throw new VerbUsageException($"the range covers {to.DayNumber - from.DayNumber + 1} days; at most {ReconciliationOptions.MaxDays}");
        }

        var database = ValidatedOptions.Bind<DatabaseOptions>(configuration, DatabaseOptions.Section);
        if (tenant is null && string.IsNullOrWhiteSpace(database.Pipeline))
        {
            throw new VerbUsageException("without --tenant every tenant is reconciled, and listing them needs PulsePoint:Database:Pipeline; set it or pass --tenant");
        }

        var events = ValidatedOptions.Bind<EventOptions>(configuration, EventOptions.Section);
        var reconcileOptions = new ReconciliationOptions { Settle = settle, LiveLag = lag, EventRetentionDays = events.RetentionDays };
        await using var sources = new DataSources(Options.Create(database));
        var lookup = new Reconciliation(sources, ReconciliationSource<ICostCounterReader>.NotChecked("not needed"),
            ReconciliationSource<IAnalyticsWarehouse>.NotChecked("not needed"), reconcileOptions, time, NullLogger<Reconciliation>.Instance);
        IReadOnlyList<TenantId> tenants = tenant is { } one
            ? await lookup.ExistsAsync(one, cancellationToken) ? [one] : throw new VerbUsageException($"no tenant has the id {one}")
            : await lookup.AllTenantsAsync(from, to, cancellationToken);

        Cluster? cluster = null;
        ServiceProvider? bigQuery = null;
        try
        {
            ReconciliationSource<ICostCounterReader> counters;
            if (today < from || today > to)
            {
                counters = ReconciliationSource<ICostCounterReader>.NotChecked("the range does not include today");
            }
            else if (!readCounters)
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
            var report = await reconciliation.RunAsync(tenants, from, to, cancellationToken);
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
        var text = new StringWriter(CultureInfo.InvariantCulture);
        text.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"AI cost per tenant and UTC day from {report.From:yyyy-MM-dd} to {report.To:yyyy-MM-dd}, each source against the ledger at {ReconciliationOptions.MoneyDecimals} decimals"));
        var listed = report.Days.Where(d => d.HasActivity).ToList();
        if (listed.Count == 0)
        {
            text.WriteLine("no AI usage or cost in any source on these tenant-days");
        }
        else
        {
            // Amounts at the comparison's fixed 12 decimals, so a column's decimal points line up.
            new OutputTable(Columns,
            [
                .. listed.Select(d => new object?[]
                {
                    d.Tenant.ToString(),
                    d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + (d.Before is null ? "" : "*"),
                    ReconciliationDrift.Money(d.LedgerUsd),
                    d.UnpricedEvents,
                    Cell(d.Events),
                    Cell(d.Counters),
                    Cell(d.Warehouse),
                    d.Drifted ? string.Join("; ", d.Drifts) : "ok",
                }),
            ]).WriteTable(text);
        }

        foreach (var (source, description) in report.Sources)
        {
            text.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{source + ":",-10} {description}"));
        }

        var unlisted = report.TenantDaysChecked - listed.Count;
        text.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reconcile: {report.TenantDaysChecked} tenant-days checked, {report.Drifted} drifted{(unlisted > 0 ? $" ({unlisted} without AI usage or cost in any source, not listed)" : "")}"));
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

    /// <summary>What the command line asked for.</summary>
    private sealed record Request(TenantId? Tenant, DateOnly From, DateOnly To, bool ReadCounters, TimeSpan Settle, TimeSpan Lag);

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
                MembershipConnectionString = database.Orleans,
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
