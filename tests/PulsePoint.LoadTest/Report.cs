using System.Globalization;
using HdrHistogram;
using System.Text.Json;

namespace PulsePoint.LoadTest;

/// <summary>The final aligned table for people and the JSON file for machines.</summary>
public static class Report
{
    public static void WriteTable(TextWriter output, LoadOptions options, IReadOnlyList<ScenarioResult> results)
    {
        var mode = options.Rate is { } r ? $"open loop at {r:0} ops/s" : "closed loop";
        output.WriteLine();
        output.WriteLine($"PulsePoint load test: {mode}, concurrency {options.Concurrency}, {options.Duration.TotalSeconds:0} s measured{(options.Paired ? ", PulsePoint and baseline paired call by call" : options.Rounds > 1 ? $" in {options.Rounds} alternating rounds" : "")} after {options.WarmUp.TotalSeconds:0} s warm-up, {options.Tenants} tenants, seed {options.Seed}, {Environment.ProcessorCount} cores");
        string[] header = ["scenario", "phase", "ops", "ops/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "ratio"];
        var rows = new List<string[]> { header };
        foreach (var result in results)
        {
            rows.Add(Row(result.Scenario.Name, result.PulsePoint, result.Ratio is { } ratio ? ratio.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-"));
            if (result.Baseline is { } baseline)
            {
                rows.Add(Row("", baseline, "1.00x"));
            }
        }

        var widths = header.Select((_, i) => rows.Max(row => row[i].Length)).ToArray();
        foreach (var (row, index) in rows.Select((row, index) => (row, index)))
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => i < 2 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))));
            if (index == 0)
            {
                output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
            }
        }

        foreach (var result in results.Where(r => r.Extra.Count > 0))
        {
            output.WriteLine($"{result.Scenario.Name}: " + string.Join(", ", result.Extra.Select(kv => $"{kv.Key} = {kv.Value.ToString("0.###", CultureInfo.InvariantCulture)}")));
        }

        foreach (var result in results.Where(r => r.Baseline is not null))
        {
            output.WriteLine($"{result.Scenario.Name} baseline: {result.Scenario.Baseline}");
        }

        foreach (var phase in results.SelectMany(r => new[] { r.PulsePoint, r.Baseline }).OfType<PhaseResult>().Where(p => p.ErrorKinds.Count > 0))
        {
            output.WriteLine($"errors in {phase.Label}: " + string.Join(", ", phase.ErrorKinds.Select(kv => $"{kv.Key} × {kv.Value}")));
        }
    }

    public static async Task WriteJsonAsync(string path, LoadOptions options, IReadOnlyList<ScenarioResult> results)
    {
        var document = new
        {
            machine = new { cores = Environment.ProcessorCount, os = Environment.OSVersion.ToString(), dotnet = Environment.Version.ToString() },
            options = new
            {
                durationSeconds = options.Duration.TotalSeconds,
                warmUpSeconds = options.WarmUp.TotalSeconds,
                options.Rounds,
                options.Paired,
                options.Concurrency,
                options.Rate,
                options.Tenants,
                options.Brands,
                options.Seed,
            },
            scenarios = results.Select(r => new
            {
                name = r.Scenario.Name,
                description = r.Scenario.Description,
                pulsePoint = Phase(r.PulsePoint),
                baseline = r.Baseline is null ? null : Phase(r.Baseline),
                baselineDescription = r.Scenario.Baseline,
                ratio = r.Ratio,
                extra = r.Extra,
            }),
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
    }

    private static object Phase(PhaseResult p) => new
    {
        label = p.Label,
        operations = p.Operations,
        errors = p.Errors,
        errorRate = p.ErrorRate,
        elapsedSeconds = p.Elapsed.TotalSeconds,
        opsPerSecond = p.OpsPerSecond,
        latencyMs = new { p50 = p.Ms(50), p95 = p.Ms(95), p99 = p.Ms(99), p999 = p.Ms(99.9), max = p.Latency.TotalCount == 0 ? 0 : p.Latency.GetMaxValue() / 1000.0 },
        errorKinds = p.ErrorKinds,
    };

    private static string[] Row(string scenario, PhaseResult p, string ratio) =>
    [
        scenario,
        p.Label,
        p.Operations.ToString(CultureInfo.InvariantCulture),
        p.OpsPerSecond.ToString("0", CultureInfo.InvariantCulture),
        p.Ms(50).ToString("0.000", CultureInfo.InvariantCulture),
        p.Ms(95).ToString("0.000", CultureInfo.InvariantCulture),
        p.Ms(99).ToString("0.000", CultureInfo.InvariantCulture),
        (p.Latency.TotalCount == 0 ? 0 : p.Latency.GetMaxValue() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture),
        p.Errors.ToString(CultureInfo.InvariantCulture),
        ratio,
    ];
}
