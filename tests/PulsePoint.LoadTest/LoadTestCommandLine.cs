using HdrHistogram;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PulsePoint.Client;
using PulsePoint.Destinations;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;

namespace PulsePoint.LoadTest;

/// <summary>Parses options, connects (or hosts a silo), runs the scenarios, prints and writes the results.</summary>
public static class LoadTestCommandLine
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken = default)
    {
        LoadOptions options;
        try
        {
            if (args.Contains("--help") || args.Contains("-h"))
            {
                output.WriteLine(LoadOptions.Usage);
                return 0;
            }

            options = LoadOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"PulsePoint.LoadTest: {e.Message}; see --help");
            return 2;
        }

        if (options.Scenarios.FirstOrDefault(name => name != "all" && ScenarioCatalog.All.All(s => s.Name != name)) is { } unknown)
        {
            Console.Error.WriteLine($"PulsePoint.LoadTest: unknown scenario '{unknown}'; known: {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))}");
            return 2;
        }

        var scenarios = options.Scenarios.Contains("all")
            ? ScenarioCatalog.All.Where(s => (options.InProcess || !s.NeedsInProcess) && (!options.Paired || s.Pairable)).ToList()
            : options.Scenarios.Select(name => ScenarioCatalog.All.First(s => s.Name == name)).ToList();
        if (options.Paired && scenarios.FirstOrDefault(s => !s.Pairable) is { } unpairable)
        {
            Console.Error.WriteLine($"PulsePoint.LoadTest: {unpairable.Name} cannot run --paired (only reads with a baseline pair up); pairable: {string.Join(", ", ScenarioCatalog.All.Where(s => s.Pairable).Select(s => s.Name))}");
            return 2;
        }

        if (!options.InProcess && scenarios.FirstOrDefault(s => s.NeedsInProcess) is { } inProcessOnly)
        {
            Console.Error.WriteLine($"PulsePoint.LoadTest: {inProcessOnly.Name} needs --in-process (its baseline runs in the driver's own silo)");
            return 2;
        }

        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var application = configuration["PulsePoint:Database:Application"];
        var pipeline = configuration["PulsePoint:Database:Pipeline"];
        if (string.IsNullOrWhiteSpace(application) || string.IsNullOrWhiteSpace(pipeline))
        {
            Console.Error.WriteLine("PulsePoint.LoadTest: set PulsePoint__Database__Application and PulsePoint__Database__Pipeline (eval \"$(deploy/postgres.sh env)\")");
            return 2;
        }

        var firstDay = DateOnly.FromDateTime(DateTime.UtcNow);
        var silo = options.InProcess ? await StartSiloAsync(options, cancellationToken) : null;
        var clientHost = await ConnectAsync(options, cancellationToken);
        try
        {
            await using var context = new LoadContext(
                clientHost.Services.GetRequiredService<IClusterClient>(),
                DataSources.Create(application, "PulsePoint:Database:Application"),
                DataSources.Create(pipeline, "PulsePoint:Database:Pipeline"),
                options,
                silo?.Services.GetRequiredService<OutboxRelayFactory>().DestinationNames,
                silo?.Services.GetRequiredService<DataSources>() is { } silos ? [silos.Application, silos.Pipeline] : null,
                silo is null ? null : new Uri(silo.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()),
                silo?.Services);
            var code = await RunScenariosAsync(context, scenarios, options, output, cancellationToken);
            var agrees = await LoadReconcile.RunAsync(
                context.Client, application, pipeline, context.Tenants, firstDay, LoadReconcile.Warehouse(silo), output, cancellationToken);
            if (!agrees)
            {
                Console.Error.WriteLine("PulsePoint.LoadTest: the reconcile after the load found drift (see the report)");
                return 1;
            }

            return code;
        }
        finally
        {
            // Client first, then the silo, each stopped gracefully so the silo leaves the cluster cleanly.
            await clientHost.StopAsync(CancellationToken.None);
            clientHost.Dispose();
            if (silo is not null)
            {
                await silo.StopAsync(CancellationToken.None);
                await silo.DisposeAsync();
            }
        }
    }

    private static async Task<int> RunScenariosAsync(
        LoadContext context, IReadOnlyList<Scenario> scenarios, LoadOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var progress = new ProgressLine();
        var results = new List<ScenarioResult>();
        foreach (var scenario in scenarios)
        {
            Console.Error.WriteLine($"{scenario.Name}: setting up");
            await scenario.SetupAsync(context, cancellationToken);
            results.Add(await MeasureScenarioAsync(scenario, context, options, progress, cancellationToken));
        }

        Report.WriteTable(output, options, results);
        if (options.JsonPath is { } path)
        {
            await Report.WriteJsonAsync(path, options, results);
            output.WriteLine($"figures written to {path}");
        }

        var worst = results.Max(r => r.PulsePoint.ErrorRate);
        if (worst > options.MaxErrorRate)
        {
            Console.Error.WriteLine($"PulsePoint.LoadTest: error rate {worst:P2} exceeds --max-error-rate {options.MaxErrorRate:P2}");
            return 1;
        }

        return 0;
    }

    /// <summary>
    /// One round: warm-up and PulsePoint, then warm-up and baseline. N rounds: both warm-ups, then N pairs of
    /// slices (PulsePoint, baseline) of duration / N each, pooled per phase.
    /// </summary>
    private static async Task<ScenarioResult> MeasureScenarioAsync(
        Scenario scenario, LoadContext context, LoadOptions options, ProgressLine progress, CancellationToken cancellationToken)
    {
        Func<Random, CancellationToken, Task> pulsePointOnce = (random, ct) => scenario.RunOnceAsync(context, random, ct);
        Func<Random, CancellationToken, Task> baselineOnce = (random, ct) => scenario.RunBaselineOnceAsync(context, random, ct);
        var withBaseline = options.Baseline && scenario.Baseline is not null;
        var slice = options.Duration / options.Rounds;
        await scenario.BeforeMeasuredRunAsync(context, cancellationToken);
        if (withBaseline && options.Paired)
        {
            return await MeasurePairedAsync(scenario, context, options, pulsePointOnce, baselineOnce, progress, cancellationToken);
        }

        await LoadRunner.WarmUpAsync("pulsepoint", pulsePointOnce, options, progress, cancellationToken);
        if (withBaseline && options.Rounds > 1)
        {
            await LoadRunner.WarmUpAsync("baseline", baselineOnce, options, progress, cancellationToken);
        }

        PhaseResult? pulsePoint = null, baseline = null;
        for (var round = 1; round <= options.Rounds; round++)
        {
            var label = options.Rounds > 1 ? $" {round}/{options.Rounds}" : "";
            var measured = await LoadRunner.MeasureAsync("pulsepoint" + label, pulsePointOnce, options, slice, progress, cancellationToken);
            pulsePoint = pulsePoint is null ? measured : pulsePoint.Add(measured);
            await scenario.AfterPulsePointSliceAsync(context, cancellationToken);
            if (withBaseline)
            {
                if (options.Rounds == 1)
                {
                    await LoadRunner.WarmUpAsync("baseline", baselineOnce, options, progress, cancellationToken);
                }

                var measuredBaseline = await LoadRunner.MeasureAsync("baseline" + label, baselineOnce, options, slice, progress, cancellationToken);
                baseline = baseline is null ? measuredBaseline : baseline.Add(measuredBaseline);
            }
        }

        var extra = await scenario.ExtraFiguresAsync(context, pulsePoint!.Operations, cancellationToken);
        return new ScenarioResult(scenario, pulsePoint with { Label = "pulsepoint" }, baseline is null ? null : baseline with { Label = "baseline" }, extra);
    }

    /// <summary>Warm-up and measurement call by call, for the configured duration (see <c>LoadRunner.MeasurePairedAsync</c>).</summary>
    private static async Task<ScenarioResult> MeasurePairedAsync(
        Scenario scenario,
        LoadContext context,
        LoadOptions options,
        Func<Random, CancellationToken, Task> pulsePointOnce,
        Func<Random, CancellationToken, Task> baselineOnce,
        ProgressLine progress,
        CancellationToken cancellationToken)
    {
        if (options.WarmUp > TimeSpan.Zero)
        {
            await LoadRunner.MeasurePairedAsync("paired (warm-up)", pulsePointOnce, baselineOnce, options, options.WarmUp, progress, cancellationToken);
        }

        // The warm-up activates grains whose own reads (a tenant grain's status and cost counters, its alert
        // timer) overlap the calls and grow the application role's pool past what the callers need. Cleared
        // here, each side's pool reopens only the connections its callers use; a short second warm-up
        // prepares their statements again.
        context.ClearPools();
        var rewarm = options.WarmUp < TimeSpan.FromSeconds(2) ? options.WarmUp : TimeSpan.FromSeconds(2);
        await LoadRunner.MeasurePairedAsync("paired (warm-up)", pulsePointOnce, baselineOnce, options, rewarm, progress, cancellationToken);

        var (pulsePoint, baseline, ratios, blocks) = await LoadRunner.MeasurePairedAsync(
            "paired", pulsePointOnce, baselineOnce, options, options.Duration, progress, cancellationToken);
        var extra = new Dictionary<string, double>(await scenario.ExtraFiguresAsync(context, pulsePoint.Operations, cancellationToken))
        {
            ["pairs"] = ratios.TotalCount,
            ["pair_latency_ratio_p50"] = ratios.TotalCount == 0 ? 0 : ratios.GetValueAtPercentile(50) / 1000.0,
            ["pair_latency_ratio_mean"] = ratios.TotalCount == 0 ? 0 : ratios.GetMean() / 1000.0,
        };
        foreach (var percentile in new[] { 50, 99 })
        {
            // PulsePoint's p50 (p99) ÷ the baseline's, with a 95% block-bootstrap interval (see PairBlocks).
            if (blocks.Ratio(percentile) is { } interval)
            {
                extra[$"p{percentile}_ratio"] = interval.Estimate;
                extra[$"p{percentile}_ratio_low95"] = interval.Low;
                extra[$"p{percentile}_ratio_high95"] = interval.High;
            }
        }

        extra["blocks"] = blocks.BlockCount;
        return new ScenarioResult(scenario, pulsePoint with { Label = "pulsepoint" }, baseline with { Label = "baseline" }, extra);
    }

    private static async Task<IHost> ConnectAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var builder = ClientHost.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddPulsePointClient(o => o.GatewayPort = options.GatewayPort);
        ClientHost.AddOperatorCalls(builder);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    private static async Task<WebApplication> StartSiloAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args =
            [
                "--PulsePoint:Silo:WebUrl=http://127.0.0.1:0",
                $"--PulsePoint:Silo:SiloPort={options.SiloPort}",
                $"--PulsePoint:Silo:GatewayPort={options.GatewayPort}",
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Orleans.Runtime.Silo=Warning",
            ],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddPulsePointSilo();
        var app = builder.Build();
        app.MapPulsePointEndpoints();
        await app.StartAsync(cancellationToken);
        return app;
    }
}
