using System.Globalization;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using Microsoft.Extensions.Options;
using Npgsql;
using PulsePoint.Analytics;
using PulsePoint.Billing;
using PulsePoint.Destinations;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// <c>report --tenant ID --from DATE --to DATE --report usage|accuracy|latency|cost|errors|all [--format table|json|csv]</c>:
/// prints one tenant's analytics from the DuckDB warehouse file (<c>PulsePoint:Destinations:DuckDb:Path</c>), opened
/// read-only, with the tenant's threshold from PostgreSQL (<c>PulsePoint:Database:Application</c>). DuckDB lets no other
/// process open a file that a silo is writing, so with a running silo use its <c>/insights</c> page instead.
/// </summary>
public static class ReportVerb
{
    public const string UsageLine = "report     --tenant ID --from YYYY-MM-DD --to YYYY-MM-DD --report usage|accuracy|latency|cost|errors|all [--format table|json|csv]";

    private static readonly string[] Reports = ["usage", "accuracy", "latency", "cost", "errors"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        try
        {
            return await ReportAsync(args, output);
        }
        catch (ArgumentException e) when (e is InvalidTenantIdException or InvalidAnalyticsRangeException)
        {
            Console.Error.WriteLine($"PulsePoint.Silo: report: {e.Message}");
            return 2;
        }
    }

    private static async Task<int> ReportAsync(string[] args, TextWriter output)
    {
        var (options, settings) = Split(args);
        var tenant = TenantId.Parse(Required(options, "tenant"));
        var range = AnalyticsRange.Days(Date(options, "from"), Date(options, "to"));
        var which = options.GetValueOrDefault("report", "all");
        var selected = which == "all" ? Reports : Reports.Contains(which) ? [which] : throw Usage($"--report must be one of {string.Join(", ", Reports)} or all, not '{which}'");
        var format = options.GetValueOrDefault("format", "table");
        if (format is not ("table" or "json" or "csv"))
        {
            throw Usage($"--format must be table, json or csv, not '{format}'");
        }

        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(settings)
            .Build();
        var application = configuration[$"{DatabaseOptions.Section}:Application"];
        if (string.IsNullOrWhiteSpace(application))
        {
            throw new ConfigurationErrorException("PulsePoint:Database:Application (for the tenant and its threshold) is required");
        }

        var path = Path.GetFullPath(configuration[$"{DuckDbOptions.Section}:Path"] ?? new DuckDbOptions().Path);
        if (!File.Exists(path))
        {
            throw new ConfigurationErrorException($"the DuckDB warehouse '{path}' does not exist; set PulsePoint:Destinations:DuckDb:Path");
        }

        var defaults = configuration.GetSection(AnalyticsOptions.BillingSection).Get<AnalyticsOptions>() ?? new AnalyticsOptions();
        await using var dataSource = NpgsqlDataSource.Create(application);
        var analytics = new TenantAnalytics(new DuckDbAnalyticsWarehouse(ct => OpenReadOnlyAsync(path, ct)), new TenantDatabase(dataSource), Options.Create(defaults));

        var json = new Dictionary<string, object>();
        foreach (var report in selected)
        {
            var (table, answer) = await RunReportAsync(analytics, report, tenant, range);
            if (answer.Outcome == AnalyticsOutcome.UnknownTenant)
            {
                Console.Error.WriteLine($"PulsePoint.Silo: {answer.Explanation}");
                return 1;
            }

            switch (format)
            {
                case "json":
                    json[report] = answer.Rows;
                    break;
                case "csv":
                    WriteCsv(output, table, selected.Length > 1 ? report : null);
                    break;
                default:
                    WriteTable(output, table, answer.Explanation);
                    break;
            }
        }

        if (format == "json")
        {
            output.WriteLine(JsonSerializer.Serialize(new { tenant = tenant.ToString(), from = range.From, to = range.To, reports = json }, Json));
        }

        return 0;
    }

    private static async Task<(ReportTable Table, (AnalyticsOutcome Outcome, string? Explanation, IEnumerable<object> Rows) Answer)> RunReportAsync(
        TenantAnalytics analytics, string report, TenantId tenant, AnalyticsRange range)
    {
        switch (report)
        {
            case "usage":
            {
                var a = await analytics.DailyModelUsageAsync(tenant, range);
                return (new ReportTable("Daily token usage per model",
                    ["day", "model", "input tokens", "output tokens", "total tokens", "cost USD", "avg ms", "operations"],
                    a.Rows.Select(r => new[] { Day(r.Day), r.Model ?? "(none)", N(r.InputTokens), N(r.OutputTokens), N(r.TotalTokens), Usd(r.CostUsd), Ms(r.AverageDurationMs), N(r.Operations) }).ToList()),
                    (a.Outcome, a.Explanation, a.Rows.Cast<object>()));
            }

            case "accuracy":
            {
                var a = await analytics.AccuracyAsync(tenant, range);
                return (new ReportTable("Accuracy by event type",
                    ["event type", "count", "average", "min", "max"],
                    a.Rows.Select(r => new[] { r.EventType, N(r.Count), Score(r.Average), Score(r.Min), Score(r.Max) }).ToList()),
                    (a.Outcome, a.Explanation, a.Rows.Cast<object>()));
            }

            case "latency":
            {
                var a = await analytics.LatencyAsync(tenant, range);
                return (new ReportTable("API latency percentiles per route (ms)",
                    ["route", "count", "p50", "p95", "p99"],
                    a.Rows.Select(r => new[] { r.Route, N(r.Count), Ms(r.P50Ms), Ms(r.P95Ms), Ms(r.P99Ms) }).ToList()),
                    (a.Outcome, a.Explanation, a.Rows.Cast<object>()));
            }

            case "cost":
            {
                var a = await analytics.DailyCostAsync(tenant, range);
                return (new ReportTable("Daily cost against the daily threshold",
                    ["day", "cost USD", "threshold USD", "of threshold", "events", "over"],
                    a.Rows.Select(r => new[] { Day(r.Day), Usd(r.CostUsd), Usd(r.ThresholdUsd), Percent(r.ThresholdUsd == 0 ? 1 : (double)(r.CostUsd / r.ThresholdUsd)), N(r.Events), r.OverThreshold ? "OVER" : "" }).ToList()),
                    (a.Outcome, a.Explanation, a.Rows.Cast<object>()));
            }

            default:
            {
                var a = await analytics.ErrorRatesAsync(tenant, range);
                return (new ReportTable("Error rate per event type",
                    ["event type", "events", "errors", "error rate"],
                    a.Rows.Select(r => new[] { r.EventType, N(r.Events), N(r.Errors), Percent(r.Rate) }).ToList()),
                    (a.Outcome, a.Explanation, a.Rows.Cast<object>()));
            }
        }
    }

    /// <summary>Columns padded to their widest cell; text left, numbers right.</summary>
    private static void WriteTable(TextWriter output, ReportTable table, string? explanation)
    {
        output.WriteLine(table.Title);
        if (table.Rows.Count == 0)
        {
            output.WriteLine($"  (no rows: {explanation})");
            output.WriteLine();
            return;
        }

        var widths = table.Headers.Select((h, i) => Math.Max(h.Length, table.Rows.Max(r => r[i].Length))).ToArray();
        var numeric = table.Headers.Select((_, i) => table.Rows.All(r => r[i].Length == 0 || double.TryParse(r[i].Replace(",", "").TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out double _))).ToArray();
        string Line(IReadOnlyList<string> cells) =>
            "  " + string.Join("  ", cells.Select((c, i) => numeric[i] ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();
        output.WriteLine(Line(table.Headers));
        output.WriteLine("  " + string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in table.Rows)
        {
            output.WriteLine(Line(row));
        }

        output.WriteLine();
    }

    private static void WriteCsv(TextWriter output, ReportTable table, string? report)
    {
        static string Cell(string c) => c.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + c.Replace("\"", "\"\"") + "\"" : c;
        var prefix = report is null ? Array.Empty<string>() : ["report"];
        output.WriteLine(string.Join(",", prefix.Concat(table.Headers).Select(Cell)));
        foreach (var row in table.Rows)
        {
            output.WriteLine(string.Join(",", (report is null ? row : row.Prepend(report)).Select(Cell)));
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
        catch (Exception e) when (e.Message.Contains("lock", StringComparison.OrdinalIgnoreCase))
        {
            await connection.DisposeAsync();
            throw new ConfigurationErrorException(
                $"the DuckDB warehouse '{path}' is open in another process (a running silo writes it, and DuckDB admits no second process): " +
                "read the reports on that silo's /insights page, or stop the silo first");
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

            var name = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : throw Usage($"unexpected argument '{arg}'");
            if (name is not ("tenant" or "from" or "to" or "report" or "format"))
            {
                throw Usage($"unknown option '--{name}'");
            }

            options[name] = i + 1 < args.Length ? args[++i] : throw Usage($"--{name} needs a value");
        }

        return (options, settings.ToArray());
    }

    private static string Required(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) ? value : throw Usage($"--{name} is required");

    private static DateOnly Date(Dictionary<string, string> options, string name) =>
        DateOnly.TryParseExact(Required(options, name), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw Usage($"--{name} must be a date like 2026-11-01, not '{options[name]}'");

    private static ConfigurationErrorException Usage(string message) => new($"report: {message}\nusage: PulsePoint.Silo {UsageLine}");

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Usd(decimal value) => Money.Format(value);

    private static string Ms(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "";

    private static string Score(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Percent(double value) => (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private sealed record ReportTable(string Title, IReadOnlyList<string> Headers, IReadOnlyList<string[]> Rows);
}
