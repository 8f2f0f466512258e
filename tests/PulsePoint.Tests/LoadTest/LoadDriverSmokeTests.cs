using System.Text.Json;
using PulsePoint.LoadTest;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.LoadTest;

/// <summary>
/// A seconds-long run of every load-test scenario against an in-process silo on the test database:
/// it completes, counts what it did, and writes valid JSON. Speed is not asserted here (see BENCHMARKS).
/// </summary>
[Collection(LoadDriverCollection.Name)]
public sealed class LoadDriverSmokeTests
{
    [Fact]
    public async Task LoadDriver_runs_every_scenario_briefly_and_writes_consistent_json()
    {
        var (output, document) = await RunDriverAsync(
            "--silo-port", "21311", "--gateway-port", "40311", "--duration", "1", "--warmup", "0",
            "--concurrency", "4", "--tenants", "5", "--brands", "2", "--grains", "100", "--seed", "7", "all");
        using var figures = document;
        var scenarios = document.RootElement.GetProperty("scenarios").EnumerateArray().ToList();
        Assert.Equal(ScenarioCatalog.All.Select(s => s.Name), scenarios.Select(s => s.GetProperty("name").GetString()));
        foreach (var scenario in scenarios)
        {
            var phase = scenario.GetProperty("pulsePoint");
            Assert.True(phase.GetProperty("operations").GetInt64() > 0, scenario.ToString());
            Assert.Equal(0, phase.GetProperty("errors").GetInt64());
            var latency = phase.GetProperty("latencyMs");
            Assert.True(latency.GetProperty("p50").GetDouble() <= latency.GetProperty("p99").GetDouble());
            Assert.Contains(scenario.GetProperty("name").GetString()!, output);
        }

        JsonElement Extra(string name) => scenarios.Single(s => s.GetProperty("name").GetString() == name).GetProperty("extra");
        Assert.Equal(0, Extra("tenant-check").GetProperty("db_loads").GetDouble());
        Assert.Equal(7, document.RootElement.GetProperty("options").GetProperty("seed").GetInt32());

        // Every scenario with a baseline ran it without errors (the brand baselines check their rows, the -rls ones
        // through the driver's twin grains), and the report has a ratio.
        foreach (var name in ScenarioCatalog.All.Where(s => s.Baseline is not null).Select(s => s.Name))
        {
            var scenario = scenarios.Single(s => s.GetProperty("name").GetString() == name);
            Assert.True(scenario.GetProperty("baseline").GetProperty("operations").GetInt64() > 0, name);
            Assert.Equal(0, scenario.GetProperty("baseline").GetProperty("errors").GetInt64());
            Assert.True(scenario.GetProperty("ratio").GetDouble() > 0, name);
        }

        // The mix's shares are the parts' counted operations: every part ran, and they add up to 100%.
        var mixed = Extra("mixed");
        var shares = new[] { "tenant-check", "brand-summary", "track-ai", "track-api" }.Select(p => mixed.GetProperty($"pct_{p}").GetDouble()).ToList();
        Assert.All(shares, share => Assert.True(share > 0));
        Assert.Equal(100, shares.Sum(), 6);
        Assert.Equal(0, mixed.GetProperty("db_loads").GetDouble());

        // Every requested grain was activated, and the in-process run measured memory before and after.
        var memory = Extra("grain-memory");
        Assert.Equal(100, memory.GetProperty("grains_activated").GetDouble());
        Assert.True(memory.GetProperty("gc_heap_mb_before").GetDouble() > 0);
        Assert.True(memory.GetProperty("working_set_mb_after").GetDouble() > 0);
        Assert.True(memory.TryGetProperty("gc_heap_bytes_per_grain", out _));
    }

    [Fact]
    public async Task LoadDriver_rounds_alternate_slices_pool_them_and_ingest_waits_for_its_destinations()
    {
        var (output, document) = await RunDriverAsync(
            "--silo-port", "21312", "--gateway-port", "40312", "--duration", "2", "--warmup", "0", "--rounds", "2",
            "--concurrency", "2", "--tenants", "3", "--seed", "8", "ingest", "tenant-check");
        using var figures = document;
        Assert.Contains("in 2 alternating rounds", output);
        Assert.Equal(2, document.RootElement.GetProperty("options").GetProperty("rounds").GetInt32());
        foreach (var scenario in document.RootElement.GetProperty("scenarios").EnumerateArray())
        {
            foreach (var phase in new[] { "pulsePoint", "baseline" })
            {
                // Two slices of 1 s pooled: about 2 s measured, not 1 (one slice) and not 4 (counted twice).
                var measured = scenario.GetProperty(phase).GetProperty("elapsedSeconds").GetDouble();
                Assert.InRange(measured, 1.5, 3.5);
                Assert.True(scenario.GetProperty(phase).GetProperty("operations").GetInt64() > 0, $"{phase}: {scenario}");
            }
        }

        // The in-process silo's destinations caught up after every slice, and the figures say how long that took.
        var ingest = document.RootElement.GetProperty("scenarios").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "ingest");
        Assert.True(ingest.GetProperty("extra").GetProperty("destinations_drain_s").GetDouble() >= 0);
        Assert.True(ingest.GetProperty("extra").GetProperty("ops_per_s_incl_drain").GetDouble() > 0);
    }

    [Fact]
    public async Task LoadDriver_paired_runs_each_read_once_per_side_with_a_ratio_per_pair()
    {
        var (output, document) = await RunDriverAsync(
            "--silo-port", "21313", "--gateway-port", "40313", "--duration", "1", "--warmup", "0", "--paired",
            "--concurrency", "2", "--tenants", "3", "--brands", "2", "--seed", "9", "brand-summary-rls", "tenant-check");
        using var figures = document;
        Assert.Contains("paired call by call", output);
        Assert.True(document.RootElement.GetProperty("options").GetProperty("paired").GetBoolean());
        foreach (var scenario in document.RootElement.GetProperty("scenarios").EnumerateArray())
        {
            var operations = scenario.GetProperty("pulsePoint").GetProperty("operations").GetInt64();
            Assert.True(operations > 0, scenario.ToString());
            Assert.Equal(0, scenario.GetProperty("pulsePoint").GetProperty("errors").GetInt64());
            Assert.Equal(0, scenario.GetProperty("baseline").GetProperty("errors").GetInt64());
            // A caller stops after a whole pair, so both sides ran as often, and every pair has a ratio.
            Assert.Equal(operations, scenario.GetProperty("baseline").GetProperty("operations").GetInt64());
            Assert.Equal(operations, scenario.GetProperty("extra").GetProperty("pairs").GetDouble());
            Assert.True(scenario.GetProperty("extra").GetProperty("pair_latency_ratio_p50").GetDouble() > 0);
            Assert.True(scenario.GetProperty("ratio").GetDouble() > 0);
        }
    }

    [Fact]
    public async Task LoadDriver_refuses_a_twin_grain_scenario_without_its_own_silo_and_all_leaves_those_out()
    {
        // Refused before anything connects: no cluster listens on the default gateway here.
        var (exit, error) = await RunRefusedAsync("--duration", "1", "cross-brand-rls");
        Assert.Equal(2, exit);
        Assert.Contains("cross-brand-rls needs --in-process", error);
        // The twin grains live in the driver's silo; http-ingest posts to that silo's web host.
        Assert.Equal(["brand-summary-rls", "cross-brand-rls", "http-ingest"], ScenarioCatalog.All.Where(s => s.NeedsInProcess).Select(s => s.Name));
    }

    [Fact]
    public async Task Paired_refuses_a_scenario_that_writes_before_connecting()
    {
        var (exit, error) = await RunRefusedAsync("--paired", "tenant-check", "ingest");
        Assert.Equal(2, exit);
        Assert.Contains("ingest cannot run --paired", error);
        Assert.Equal(
            ["tenant-check", "brand-summary", "cross-brand", "brand-summary-rls", "cross-brand-rls", "brand-sql-rls"],
            ScenarioCatalog.All.Where(s => s.Pairable).Select(s => s.Name));
    }

    /// <summary>
    /// Runs the driver with no database configured, capturing what it writes to stderr. Console.Error is process-wide,
    /// which is why the tests that swap it live in this one class (xunit runs a class's tests one at a time).
    /// </summary>
    private static async Task<(int Exit, string Error)> RunRefusedAsync(params string[] args)
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            return (await LoadTestCommandLine.RunAsync(args, new StringWriter()), error.ToString());
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    /// <summary>
    /// The in-process silo's DuckDB warehouse: one file per test run, like the database. The load's tenant ids come from
    /// the seed, so a file kept from an earlier run would hold more of their events than the new database bills, and the
    /// reconcile that ends every run would rightly call that drift.
    /// </summary>
    private static readonly string Warehouse = Path.Combine(Path.GetTempPath(), "pulsepoint-load-" + Guid.NewGuid().ToString("N"), "warehouse.duckdb");

    /// <summary>Runs the driver with an in-process silo on the test database; returns its output and its JSON figures.</summary>
    private static async Task<(string Output, JsonDocument Figures)> RunDriverAsync(params string[] args)
    {
        await TestDatabase.LoadDriver.EnsureCreatedAsync();
        // The driver reads its database from the environment, like the command line does; so does its silo, its warehouse.
        Environment.SetEnvironmentVariable("PulsePoint__Database__Application", TestDatabase.LoadDriver.Application);
        Environment.SetEnvironmentVariable("PulsePoint__Database__Pipeline", TestDatabase.LoadDriver.Pipeline);
        Environment.SetEnvironmentVariable("PulsePoint__Database__Orleans", TestDatabase.LoadDriver.Orleans);
        Environment.SetEnvironmentVariable("PulsePoint__Database__TenantContextKey", TestDatabase.TenantContextKey);
        Environment.SetEnvironmentVariable("PulsePoint__Destinations__DuckDb__Path", Warehouse);
        var json = Path.Combine(Path.GetTempPath(), $"pulsepoint-load-{Guid.NewGuid():N}.json");
        var output = new StringWriter();
        try
        {
            var exit = await LoadTestCommandLine.RunAsync(["--in-process", .. args, "--json", json], output);
            Assert.True(exit == 0, output.ToString());
            return (output.ToString(), JsonDocument.Parse(await File.ReadAllTextAsync(json)));
        }
        finally
        {
            File.Delete(json);
            Environment.SetEnvironmentVariable("PulsePoint__Database__Application", null);
            Environment.SetEnvironmentVariable("PulsePoint__Database__Pipeline", null);
            Environment.SetEnvironmentVariable("PulsePoint__Database__Orleans", null);
            Environment.SetEnvironmentVariable("PulsePoint__Database__TenantContextKey", null);
            Environment.SetEnvironmentVariable("PulsePoint__Destinations__DuckDb__Path", null);
        }
    }
}

/// <summary>
/// Runs alone, after the parallel tests: the driver reads its database from the process environment, which would leak
/// into the silos and verbs other tests start at the same time (a silo meant to refuse to start for lack of a setting
/// would find it there and run).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadDriverCollection
{
    public const string Name = "load-driver";
}
