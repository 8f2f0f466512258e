using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using PulsePoint.Analytics;
using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Silo.Cli;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.LoadTest.Faults;

/// <summary>
/// Runs the fault scenarios one at a time against a real local cluster (deploy/cluster.sh, N silo
/// processes, ADO.NET membership) whose real-time destination is the Pub/Sub emulator behind
/// <see cref="PubSubProxy"/>: for each, a steady load, the fault, recovery, then the checks — every
/// acknowledged event stored exactly once and delivered to Pub/Sub, tenant status right, and a reconcile of the
/// suite's tenants without drift.
/// Stops the cluster it started, also on failure.
/// </summary>
public sealed class FaultSuite(FaultOptions options, DeployScripts scripts)
{
    public const string Project = "pulsepoint-faults";
    public const string Topic = "observability-events";

    public async Task<List<FaultScenarioResult>> RunAsync(CancellationToken cancellationToken)
    {
        var pipeline = Environment.GetEnvironmentVariable("PulsePoint__Database__Pipeline")
            ?? throw new InvalidOperationException("set PulsePoint__Database__Pipeline (eval \"$(deploy/postgres.sh env)\"); deploy/faults.sh does");
        await using var proxy = new PubSubProxy(options.EmulatorPort);
        proxy.Up();
        // The silos inherit these through cluster.sh: the real-time destination is Pub/Sub, reached through the proxy.
        Environment.SetEnvironmentVariable("PulsePoint__Destinations__Realtime", "PubSub");
        Environment.SetEnvironmentVariable("PulsePoint__Destinations__PubSub__EmulatorHost", $"127.0.0.1:{proxy.Port}");
        Environment.SetEnvironmentVariable("PulsePoint__Destinations__PubSub__ProjectId", Project);
        Environment.SetEnvironmentVariable("PulsePoint__Destinations__PubSub__TopicId", Topic);
        Environment.SetEnvironmentVariable("PulsePoint__Destinations__PubSub__CreateTopic", "true");
        // One line per publish at Information would make the silo logs mostly HTTP noise.
        Environment.SetEnvironmentVariable("Logging__LogLevel__System.Net.Http.HttpClient", "Warning");
        Console.Error.WriteLine($"faults: Pub/Sub emulator on 127.0.0.1:{options.EmulatorPort}, silos reach it through the suite's proxy on 127.0.0.1:{proxy.Port}");

        var firstDay = DateOnly.FromDateTime(DateTime.UtcNow);
        var results = new List<FaultScenarioResult>();
        IHost? client = null;
        try
        {
            await scripts.RunAsync("cluster.sh", "start", options.Silos.ToString());
            client = await ConnectAsync(cancellationToken);
            var grains = client.Services.GetRequiredService<IClusterClient>();
            var (active, inactive) = await CreateTenantsAsync(grains);
            await using var store = NpgsqlDataSource.Create(pipeline);
            var probe = new EventStoreProbe(store);
            var shards = await grains.GetGrain<IEventShardsGrain>(0).GetShardCountAsync();
            foreach (var scenario in options.Scenarios.Select(name => FaultScenarios.All.First(x => x.Name == name)))
            {
                await EnsureClusterAsync();
                Console.Error.WriteLine($"\n=== {scenario.Name}: {scenario.Description}");
                results.Add(await RunScenarioAsync(scenario, grains, shards, active, inactive, proxy, probe, cancellationToken));
                results[^1].Reconcile = await ReconcileAsync(scenario.Name, grains, [.. active, inactive], firstDay, results[^1], cancellationToken);
                Console.Error.WriteLine($"=== {scenario.Name}: {(results[^1].Passed ? "passed" : "FAILED: " + string.Join("; ", results[^1].Failures))}");
            }
        }
        finally
        {
            if (client is not null)
            {
                await client.StopAsync(CancellationToken.None);
                client.Dispose();
            }

            await scripts.RunAsync("cluster.sh", "stop");
        }

        return results;
    }

    private async Task<FaultScenarioResult> RunScenarioAsync(
        FaultScenario scenario, IClusterClient grains, int shards, IReadOnlyList<TenantId> active, TenantId inactive,
        PubSubProxy proxy, EventStoreProbe probe, CancellationToken cancellationToken)
    {
        await using var subscriber = new PubSubSubscriber($"127.0.0.1:{options.EmulatorPort}", Project, Topic, $"faults-{scenario.Name}-{Guid.NewGuid():N}"[..40]);
        await subscriber.CreateAsync(cancellationToken);
        subscriber.Start();

        var load = new SteadyLoad(grains, shards, active, inactive, options);
        load.Start();
        using var progress = new FaultProgress(scenario.Name, load);
        var run = new FaultRun(scenario.Name, options, scripts, proxy, subscriber, load, progress);
        var result = new FaultScenarioResult { Name = scenario.Name, Description = scenario.Description, Marks = run.Marks };

        await progress.WaitAsync("warm-up", options.WarmUp);
        var beforeFrom = (int)Math.Ceiling(load.NowMs / 1000);
        await progress.WaitAsync("before the fault", options.Before);
        var beforeTo = (int)(load.NowMs / 1000);
        result.RateBefore = load.Appends.Rate(beforeFrom, beforeTo);

        try
        {
            await scenario.InjectAsync(run);
        }
        catch (Exception e)
        {
            result.Failures.Add($"fault action failed: {e.GetType().Name}: {e.Message}");
            if (!proxy.IsUp)
            {
                proxy.Up();
                subscriber.Resume();
            }
        }

        if (double.IsNaN(run.FaultMs))
        {
            run.MarkFault("(no fault mark)");
        }

        // After the last action: at least `After`, and until throughput is back (bounded by MaxAfter).
        var afterStart = load.NowMs;
        await progress.WaitAsync("after the fault, until throughput is back", options.MaxAfter, () =>
            load.NowMs - afterStart >= options.After.TotalMilliseconds
            && load.Appends.ThroughputRecovered(run.FaultMs, load.NowMs, result.RateBefore) is not null);
        var endMs = load.NowMs;
        progress.Line();
        progress.Phase = "stopping the load (calls in flight may wait for their 30 s response timeout)";
        await load.StopAsync(TimeSpan.FromSeconds(35));
        await WriteTimelineAsync(scenario.Name, load, run);

        var faultSecond = (int)Math.Ceiling(run.FaultMs / 1000);
        var endSecond = (int)(endMs / 1000);
        result.LowestSecond = load.Appends.MinimumIn(faultSecond, endSecond);
        result.RateAfter = load.Appends.Rate(Math.Max(faultSecond, endSecond - 10), endSecond);
        result.FirstSuccessMs = load.Appends.FirstSuccessAfter(run.FaultMs);
        result.LastErrorMs = load.Appends.LastErrorAfter(run.FaultMs);
        result.ThroughputBackMs = load.Appends.ThroughputRecovered(run.FaultMs, endMs, result.RateBefore);
        result.AppendErrors = load.Appends.ErrorsByType.ToDictionary();
        result.CheckErrors = load.Checks.ErrorsByType.ToDictionary();
        result.ErrorSamples = load.Appends.ErrorSamples.Concat(load.Checks.ErrorSamples).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value);
        result.TenantChecks = load.TenantChecks;
        result.WrongTenantAnswers = load.WrongTenantAnswers;
        result.Attempted = load.Attempted.Count;
        result.Acknowledged = load.Acknowledged.Count;
        result.AcknowledgedAlreadyStored = load.AlreadyStored;

        result.TenantAfter = await TenantStatusAfterAsync(grains, active[0], inactive, result);

        progress.Phase = "waiting for Pub/Sub to deliver every acknowledged event";
        await DrainPubSubAsync(scenario.Name, load, run, subscriber, probe, result, cancellationToken);
        progress.Phase = "counting rows per event id in PostgreSQL";
        await CheckStoreAsync(load, probe, result, cancellationToken);

        if (result.Acknowledged == 0)
        {
            result.Failures.Add("no event was acknowledged");
        }

        if (result.ThroughputBackMs is null)
        {
            result.Failures.Add($"throughput did not return to 80% of {result.RateBefore:0} events/s");
        }

        if (result.WrongTenantAnswers > 0)
        {
            result.Failures.Add($"{result.WrongTenantAnswers} tenant checks answered the wrong status under load");
        }

        return result;
    }

    /// <summary>
    /// After the scenario's checks: does every tenant-day the suite wrote agree — the ledger with the event store's AI
    /// costs and with the tenant grains' live counters? Any drift fails the scenario. The suite's cluster has no
    /// warehouse (deploy/cluster.sh: a DuckDB file is one process's), so that column is not checked.
    /// </summary>
    private async Task<ReconciliationReport?> ReconcileAsync(
        string scenario, IClusterClient grains, IReadOnlyList<TenantId> tenants, DateOnly firstDay, FaultScenarioResult result, CancellationToken cancellationToken)
    {
        var database = new DatabaseOptions
        {
            Application = Environment.GetEnvironmentVariable("PulsePoint__Database__Application"),
            Pipeline = Environment.GetEnvironmentVariable("PulsePoint__Database__Pipeline"),
            Orleans = Environment.GetEnvironmentVariable("PulsePoint__Database__Orleans"),
            TenantContextKey = Environment.GetEnvironmentVariable("PulsePoint__Database__TenantContextKey"),
        };
        var warehouse = Environment.GetEnvironmentVariable("PulsePoint__Destinations__Warehouse") ?? "None";
        await using var sources = new DataSources(Options.Create(database));
        var reconciliation = new Reconciliation(
            sources,
            ReconciliationSource<ICostCounterReader>.Of(new ClusterCostCounters(grains), "tenant grains through the suite's client"),
            ReconciliationSource<IAnalyticsWarehouse>.NotChecked($"the suite's cluster runs with PulsePoint:Destinations:Warehouse={warehouse}"),
            // The load has stopped: the whole day is compared, the newest events included.
            new ReconciliationOptions { Settle = options.ReconcileSettle, LiveLag = TimeSpan.Zero },
            TimeProvider.System,
            NullLogger<Reconciliation>.Instance);
        try
        {
            var report = await reconciliation.RunAsync(tenants, firstDay, reconciliation.Today, cancellationToken);
            Console.Error.WriteLine($"[{scenario}] reconcile of the suite's {tenants.Count} tenants:");
            Console.Error.Write(ReconcileVerb.Render(report));
            foreach (var day in report.Days.Where(d => d.Drifted))
            {
                result.Failures.Add($"reconcile: tenant {day.Tenant} on {day.Day:yyyy-MM-dd}: {string.Join("; ", day.Drifts)}");
            }

            return report;
        }
        catch (Exception e) when (e is NpgsqlException or OrleansException or TimeoutException)
        {
            result.Failures.Add($"reconcile could not run: {e.GetType().Name}: {e.Message}");
            return null;
        }
    }

    private async Task DrainPubSubAsync(string scenario, SteadyLoad load, FaultRun run, PubSubSubscriber subscriber, EventStoreProbe probe, FaultScenarioResult result, CancellationToken cancellationToken)
    {
        var acknowledged = load.Acknowledged.Keys.ToHashSet();
        var backlog = run.AcknowledgedBeforeLastMark;
        var lastMark = run.Marks.Count > 0 ? run.Marks[^1].AtMs : run.FaultMs;
        var deadline = load.NowMs + options.DeliveryTimeout.TotalMilliseconds;
        var nextLine = load.NowMs + 5000;
        while (true)
        {
            backlog.RemoveWhere(subscriber.Received.ContainsKey);
            if (backlog.Count == 0 && result.PubSubCaughtUpMs is null)
            {
                result.PubSubCaughtUpMs = load.NowMs - lastMark;
            }

            var missing = acknowledged.Count(id => !subscriber.Received.ContainsKey(id));
            if (missing == 0 || load.NowMs >= deadline)
            {
                break;
            }

            if (load.NowMs >= nextLine)
            {
                nextLine += 5000;
                var lag = (await probe.CursorsAsync("pubsub", cancellationToken)).Sum(c => c.Lag);
                Console.Error.WriteLine($"[{scenario}] {load.NowMs / 1000,6:0.0}s  Pub/Sub: {acknowledged.Count - missing}/{acknowledged.Count} acknowledged events pulled, pubsub cursor lag {lag} events{(subscriber.LastError is { } e ? ", last pull error: " + e : "")}");
            }

            await Task.Delay(500, cancellationToken);
        }

        // A little longer, so late redeliveries are counted too.
        await Task.Delay(2000, cancellationToken);
        result.PubSubDelivered = acknowledged.Count(subscriber.Received.ContainsKey);
        result.PubSubMissing = acknowledged.Count - result.PubSubDelivered;
        result.PubSubRedelivered = load.Attempted.Keys.Sum(id => subscriber.Received.TryGetValue(id, out var n) ? n - 1 : 0);
        var cursors = await probe.CursorsAsync("pubsub", cancellationToken);
        result.Cursors = $"{cursors.Count(c => c.Lag == 0)}/{cursors.Count} shards at head, lag {cursors.Sum(c => c.Lag)}";
        if (result.PubSubMissing > 0)
        {
            result.Failures.Add($"{result.PubSubMissing} acknowledged events not delivered to Pub/Sub within {options.DeliveryTimeout.TotalSeconds:0} s ({result.Cursors})");
        }
    }

    /// <summary>Second by second (on the load's clock): events acknowledged, append and check errors, actions; for plots and for checking the recovery figures.</summary>
    private async Task WriteTimelineAsync(string scenario, SteadyLoad load, FaultRun run)
    {
        var directory = options.OutputDirectory ?? Path.Combine(scripts.Root, ".local", "faults");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{scenario}-timeline.csv");
        var appendErrors = load.Appends.ErrorsPerSecond();
        var checkErrors = load.Checks.ErrorsPerSecond();
        var last = (int)(load.NowMs / 1000);
        var lines = new List<string> { "second,events_acked,append_errors,check_errors,action" };
        for (var s = 0; s <= last; s++)
        {
            var actions = string.Join(" / ", run.Marks.Where(m => (int)(m.AtMs / 1000) == s).Select(m => m.Label));
            lines.Add($"{s},{load.Appends.AckedIn(s)},{appendErrors.GetValueOrDefault(s)},{checkErrors.GetValueOrDefault(s)},{actions}");
        }

        await File.WriteAllLinesAsync(path, lines);
        Console.Error.WriteLine($"[{scenario}] timeline written to {path}");
    }

    private static async Task CheckStoreAsync(SteadyLoad load, EventStoreProbe probe, FaultScenarioResult result, CancellationToken cancellationToken)
    {
        var attempted = load.Attempted.Keys.ToArray();
        var counts = await probe.CountAsync(attempted, cancellationToken);
        result.StoredAcknowledged = load.Acknowledged.Keys.Count(counts.ContainsKey);
        result.MissingAcknowledged = result.Acknowledged - result.StoredAcknowledged;
        result.Duplicated = counts.Values.Count(n => n > 1);
        result.StoredUnacknowledged = attempted.Count(id => counts.ContainsKey(id) && !load.Acknowledged.ContainsKey(id));
        if (result.MissingAcknowledged > 0)
        {
            result.Failures.Add($"{result.MissingAcknowledged} acknowledged events are not in PostgreSQL");
        }

        if (result.Duplicated > 0)
        {
            result.Failures.Add($"{result.Duplicated} event ids have more than one row");
        }
    }

    private static async Task<string> TenantStatusAfterAsync(IClusterClient grains, TenantId active, TenantId inactive, FaultScenarioResult result)
    {
        async Task<string> Ask(TenantId tenant, TenantStatus expected)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var status = await grains.GetTenantStatusAsync(tenant);
                    if (status != expected)
                    {
                        result.Failures.Add($"after the fault tenant {tenant} answered {status}, expected {expected}");
                    }

                    return status.ToString();
                }
                catch (Exception e) when (attempt < 10)
                {
                    _ = e;
                    await Task.Delay(1000);
                }
                catch (Exception e)
                {
                    result.Failures.Add($"tenant check after the fault failed: {SteadyLoad.ErrorName(e)}: {e.Message}");
                    return SteadyLoad.ErrorName(e);
                }
            }
        }

        return $"active→{await Ask(active, TenantStatus.Active)}, deactivated→{await Ask(inactive, TenantStatus.Inactive)}";
    }

    private async Task<(IReadOnlyList<TenantId> Active, TenantId Inactive)> CreateTenantsAsync(IClusterClient grains)
    {
        var ids = LoadContext.DeriveTenants(options.Seed, options.Tenants + 1);
        foreach (var tenant in ids)
        {
            var grain = grains.GetGrain<ITenantAdminGrain>(tenant.Value);
            await grain.CreateAsync($"fault suite {tenant.Value.ToString()[..8]}");
            if (tenant == ids[^1])
            {
                await grain.DeactivateAsync();
            }
            else
            {
                await grain.ActivateAsync();
            }
        }

        return (ids[..^1], ids[^1]);
    }

    /// <summary>Every silo running and ready before a scenario starts (a failed scenario may have left one down).</summary>
    private async Task EnsureClusterAsync()
    {
        await scripts.RunAsync("postgres.sh", "start");
        var status = await scripts.StatusAsync();
        for (var silo = 1; silo <= options.Silos; silo++)
        {
            if (!status.Contains($"silo {silo}: running", StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"faults: silo {silo} is not running; starting it before the next scenario");
                await scripts.RunAsync("cluster.sh", "restart", silo.ToString());
            }
        }
    }

    private static async Task<IHost> ConnectAsync(CancellationToken cancellationToken)
    {
        var builder = ClientHost.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Each failed call is counted in the report by type; Orleans' per-message warnings would bury the progress lines.
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
        builder.AddPulsePointClient();
        ClientHost.AddOperatorCalls(builder);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }
}
