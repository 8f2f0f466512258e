using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PulsePoint.Billing;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// <c>usage --tenant ID --from DATE --to DATE [--format table|json|csv]</c>: a tenant's tokens and cost
/// per UTC day and model. It runs the same query as <c>ITenantGrain.GetUsageReportAsync</c>
/// (<see cref="UsageLedger"/>) as the application role under row-level security, so it needs
/// PostgreSQL only, not a running cluster.
/// </summary>
public static class UsageVerb
{
    public const string UsageLine = "usage      a tenant's AI tokens and cost per day and model: usage --tenant ID --from YYYY-MM-DD --to YYYY-MM-DD [--format table|json|csv]";

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        var tenant = TenantId.TryParse(configuration["tenant"], out var id)
            ? id
            : throw new ConfigurationErrorException("usage needs --tenant with a tenant id (a canonical UUID)");
        var from = Day(configuration["from"], "--from");
        var to = Day(configuration["to"], "--to");
        var format = configuration["format"] ?? "table";
        if (format is not ("table" or "json" or "csv"))
        {
            throw new ConfigurationErrorException($"--format must be table, json or csv, not '{format}'");
        }

        if (to < from || to.DayNumber - from.DayNumber + 1 > UsageLedger.MaxReportDays)
        {
            throw new ConfigurationErrorException($"--to must not be before --from, and the range covers at most {UsageLedger.MaxReportDays} days");
        }

        var database = ValidatedOptions.Bind<DatabaseOptions>(configuration, DatabaseOptions.Section);
        await using var sources = new DataSources(Options.Create(database));
        var ledger = new UsageLedger(sources, new TenantDatabase(sources.Application));
        var report = new UsageReport(from, to, await ledger.ReadDaysAsync(tenant, from, to));
        await output.WriteAsync(Render(report, format));
        return 0;
    }

    /// <summary>The report as an aligned table (with a total line), JSON, or CSV (exact decimals).</summary>
    public static string Render(UsageReport report, string format) => format switch
    {
        "json" => JsonSerializer.Serialize(report.Rows.Select(r => new
        {
            day = r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            model = r.Model,
            events = r.Events,
            input_tokens = r.InputTokens,
            output_tokens = r.OutputTokens,
            cache_read_tokens = r.CacheReadTokens,
            cache_write_tokens = r.CacheWriteTokens,
            total_tokens = r.TotalTokens,
            cost_usd = r.CostUsd,
            unpriced_events = r.UnpricedEvents,
        }), new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine,
        "csv" => Csv(report),
        _ => Table(report),
    };

    private static readonly string[] Header = ["day", "model", "events", "input", "output", "cache_read", "cache_write", "total_tokens", "cost_usd", "unpriced"];

    private static string Table(UsageReport report)
    {
        var rows = report.Rows.Select(r => Cells(r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r, Money.Format(r.CostUsd))).ToList();
        if (report.Rows.Count > 0)
        {
            var total = report.Rows.Aggregate((a, b) => a.Add(b) with { Model = "" });
            rows.Add(Cells("total", total with { Model = "" }, Money.Format(total.CostUsd)));
        }

        var all = new List<string[]> { Header };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, Header.Length).Select(c => all.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"AI usage from {report.From:yyyy-MM-dd} to {report.To:yyyy-MM-dd} (UTC days)");
        if (report.Rows.Count == 0)
        {
            return text.AppendLine("no usage in this range").ToString();
        }

        foreach (var row in all)
        {
            // Text columns left-aligned, numbers right-aligned.
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c < 2 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
        }

        return text.ToString();
    }

    private static string Csv(UsageReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(string.Join(',', Header));
        foreach (var r in report.Rows)
        {
            text.AppendLine(string.Join(',', Cells(r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r with { Model = Quote(r.Model) }, r.CostUsd.ToString(CultureInfo.InvariantCulture))));
        }

        return text.ToString();
    }

    private static string[] Cells(string day, UsageLine r, string cost) =>
    [
        day, r.Model, N(r.Events), N(r.InputTokens), N(r.OutputTokens), N(r.CacheReadTokens), N(r.CacheWriteTokens), N(r.TotalTokens), cost, N(r.UnpricedEvents),
    ];

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    // At least cents, up to 12 decimals, no trailing zeros beyond cents: costs per token are tiny.

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static DateOnly Day(string? text, string option) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new ConfigurationErrorException($"usage needs {option} as YYYY-MM-DD");
}
