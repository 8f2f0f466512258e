using System.CommandLine;
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
    private static readonly string[] Reports = ["usage", "accuracy", "latency", "cost", "errors"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var tenant = VerbOptions.Tenant("the tenant", required: true);
        var from = VerbOptions.Day("--from", "the first UTC day", required: true);
        var to = VerbOptions.Day("--to", "the last UTC day", required: true);
        var report = VerbOptions.OneOf("--report", "which report; all prints the five", ["all", .. Reports]);
        var format = VerbOptions.OneOf("--format", "table for people, json or csv for tools", "table", "json", "csv");
        var command = new Command(
            "report",
            "one tenant's analytics from the DuckDB warehouse file, read-only (while a silo writes it, use its /insights)")
        {
            tenant, from, to, report, format,
        };
        command.SetAction((result, cancellationToken) =>
        {
            AnalyticsRange range;
            try
            {
                range = AnalyticsRange.Days(result.GetValue(from)!.Value, result.GetValue(to)!.Value);
            }
            catch (InvalidAnalyticsRangeException e)
            {
                throw new VerbUsageException(e.Message);
            }

            var which = result.GetValue(report)!;
            return ReportAsync(
                result.GetValue(tenant)!.Value, range, which == "all" ? Reports : [which], result.GetValue(format)!,
                VerbConfiguration.From(result), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }

    private static async Task<int> ReportAsync(
        TenantId tenant, AnalyticsRange range, string[] selected, string format, IConfiguration configuration, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
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
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        await using var dataSource = DataSources.Create(application, "PulsePoint:Database:Application");
        var tenants = VerbConfiguration.TenantDatabase(dataSource, database);
        var analytics = new TenantAnalytics(new DuckDbAnalyticsWarehouse(ct => OpenReadOnlyAsync(path, ct)), tenants, Options.Create(defaults));

        var json = new Dictionary<string, object>();
        foreach (var report in selected)
        {
            var (title, table, answer) = await RunReportAsync(analytics, report, tenant, range, cancellationToken);
            if (answer.Outcome == AnalyticsOutcome.UnknownTenant)
            {
                await error.WriteLineAsync($"{SiloCommandLine.Name}: report: {answer.Explanation}");
                return 1;
            }

            switch (format)
            {
                case "json":
                    json[report] = answer.Rows;
                    break;
                case "csv":
                    (selected.Length > 1 ? table.WithLeadingColumn("report", report) : table).WriteCsv(output);
                    break;
                default:
                    await output.WriteLineAsync(title);
                    if (table.Rows.Count == 0)
                    {
                        await output.WriteLineAsync($"  (no rows: {answer.Explanation})");
                    }
                    else
                    {
                        table.WriteTable(output);
                    }

                    await output.WriteLineAsync();
                    break;
            }
        }

        if (format == "json")
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new { tenant = tenant.ToString(), from = range.From, to = range.To, reports = json }, Json));
        }

        return 0;
    }

    private static async Task<(string Title, OutputTable Table, (AnalyticsOutcome Outcome, string? Explanation, IEnumerable<object> Rows) Answer)> RunReportAsync(
        TenantAnalytics analytics, string report, TenantId tenant, AnalyticsRange range, CancellationToken cancellationToken)
    {
        switch (report)
        {
            case "usage":
            {
                var a = await analytics.DailyModelUsageAsync(tenant, range, cancellationToken);
                return ("Daily token usage per model",
                    new OutputTable(
                        [
                            new("day"), new("model"), new("input tokens", ColumnKind.Number), new("output tokens", ColumnKind.Number),
                            new("total tokens", ColumnKind.Number), new("cost USD", ColumnKind.Money), new("avg ms", ColumnKind.Number), new("operations", ColumnKind.Number),
                        ],
                        [.. a.Rows.Select(r => new object?[] { r.Day, r.Model ?? "(none)", r.InputTokens, r.OutputTokens, r.TotalTokens, r.CostUsd, r.AverageDurationMs, r.Operations })]),
                    (a.Outcome, a.Explanation, a.Rows.Cast<object>()));
            }

            case "accuracy":
            {
                var a = await analytics.AccuracyAsync(tenant, range, cancellationToken);
                return ("Accuracy by event type",
                    new OutputTable(
                        [new("event type"), new("count", ColumnKind.Number), new("average", ColumnKind.Number), new("min", ColumnKind.Number), new("max", ColumnKind.Number)],
                        [.. a.Rows.Select(r => new object?[] { r.EventType, r.Count, r.Average, r.Min, r.Max })]),
                    (a.Outcome, a.Explanation, a.Rows.Cast<object>()));
            }

            case "latency":
            {
                var a = await analytics.LatencyAsync(tenant, range, cancellationToken);
                return ("API latency percentiles per route (ms)",
                    new OutputTable(
                        [new("route"), new("count", ColumnKind.Number), new("p50", ColumnKind.Number), new("p95", ColumnKind.Number), new("p99", ColumnKind.Number)],
                        [.. a.Rows.Select(r => new object?[] { r.Route, r.Count, r.P50Ms, r.P95Ms, r.P99Ms })]),
                    (a.Outcome, a.Explanation, a.Rows.Cast<object>()));
            }

            case "cost":
            {
                var a = await analytics.DailyCostAsync(tenant, range, cancellationToken);
                return ("Daily cost against the daily threshold",
                    new OutputTable(
                        [
                            new("day"), new("cost USD", ColumnKind.Money), new("threshold USD", ColumnKind.Money), new("of threshold", ColumnKind.Percent),
                            new("events", ColumnKind.Number), new("over"),
                        ],
                        [.. a.Rows.Select(r => new object?[] { r.Day, r.CostUsd, r.ThresholdUsd, r.ThresholdUsd == 0 ? 1.0 : (double)(r.CostUsd / r.ThresholdUsd), r.Events, r.OverThreshold ? "OVER" : "" })]),
                    (a.Outcome, a.Explanation, a.Rows.Cast<object>()));
            }

            default:
            {
                var a = await analytics.ErrorRatesAsync(tenant, range, cancellationToken);
                return ("Error rate per event type",
                    new OutputTable(
                        [new("event type"), new("events", ColumnKind.Number), new("errors", ColumnKind.Number), new("error rate", ColumnKind.Percent)],
                        [.. a.Rows.Select(r => new object?[] { r.EventType, r.Events, r.Errors, r.Rate })]),
                    (a.Outcome, a.Explanation, a.Rows.Cast<object>()));
            }
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
}
