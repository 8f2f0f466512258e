using System.Text.Json;
using PulsePoint.LoadTest;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.LoadTest;

/// <summary>
/// A seconds-long run of every load-test scenario against an in-process silo on the test database:
/// it completes, counts what it did, and writes valid JSON. Speed is not asserted here (see BENCHMARKS).
/// </summary>
public sealed class LoadDriverSmokeTests
{
    [Fact]
    public async Task LoadDriver_runs_every_scenario_briefly_and_writes_consistent_json()
    {
        await TestDatabase.EnsureCreatedAsync();
        Environment.SetEnvironmentVariable("PulsePoint__Database__Application", TestDatabase.Application);
        Environment.SetEnvironmentVariable("PulsePoint__Database__Pipeline", TestDatabase.Pipeline);
        var json = Path.Combine(Path.GetTempPath(), $"pulsepoint-load-{Guid.NewGuid():N}.json");
        var output = new StringWriter();

        var exit = await LoadTestCommandLine.RunAsync(
            ["--in-process", "--silo-port", "21311", "--gateway-port", "40311", "--duration", "1", "--warmup", "0",
             "--concurrency", "4", "--tenants", "5", "--brands", "2", "--json", json, "all"],
            output);

        Assert.True(exit == 0, output.ToString());
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var scenarios = document.RootElement.GetProperty("scenarios").EnumerateArray().ToList();
        Assert.Equal(ScenarioCatalog.All.Select(s => s.Name), scenarios.Select(s => s.GetProperty("name").GetString()));
        foreach (var scenario in scenarios)
        {
            var phase = scenario.GetProperty("pulsePoint");
            Assert.True(phase.GetProperty("operations").GetInt64() > 0, scenario.ToString());
            Assert.Equal(0, phase.GetProperty("errors").GetInt64());
            var latency = phase.GetProperty("latencyMs");
            Assert.True(latency.GetProperty("p50").GetDouble() <= latency.GetProperty("p99").GetDouble());
            Assert.Contains(scenario.GetProperty("name").GetString()!, output.ToString());
        }

        var tenantCheck = scenarios.Single(s => s.GetProperty("name").GetString() == "tenant-check");
        Assert.Equal(0, tenantCheck.GetProperty("extra").GetProperty("db_loads").GetDouble());
        File.Delete(json);
    }
}
