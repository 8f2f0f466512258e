using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PulsePoint.Billing;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// <c>usage --tenant ID --from DATE --to DATE [--format table|json|csv]</c>: a tenant's tokens and cost
/// per UTC day and model. It runs the same query as <c>IUsageReportGrain.GetUsageReportAsync</c>
/// (<see cref="UsageLedger"/>) as the application role under row-level security, so it needs
/// PostgreSQL only, not a running cluster.
/// </summary>
public static class UsageVerb
{
    private static readonly OutputColumn[] Columns =
    [
        new("day"), new("model"), new("events", ColumnKind.Number), new("input", ColumnKind.Number), new("output", ColumnKind.Number),
        new("cache_read", ColumnKind.Number), new("cache_write", ColumnKind.Number), new("total_tokens", ColumnKind.Number),
        new("cost_usd", ColumnKind.Money), new("unpriced", ColumnKind.Number),
    ];

    public static Command Create()
    {
        var tenant = VerbOptions.Tenant("the tenant", required: true);
        var from = VerbOptions.Day("--from", "the first UTC day", required: true);
        var to = VerbOptions.Day("--to", $"the last UTC day (at most {UsageLedger.MaxReportDays} days from --from)", required: true);
        var format = VerbOptions.OneOf("--format", "table for people, json or csv (exact decimals) for tools", "table", "json", "csv");
        var command = new Command("usage", "a tenant's AI tokens and cost per UTC day and model, from the usage ledger in PostgreSQL")
        {
            tenant, from, to, format,
        };
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(tenant)!.Value, result.GetValue(from)!.Value, result.GetValue(to)!.Value, result.GetValue(format)!,
            VerbConfiguration.From(result), result.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        TenantId tenant, DateOnly from, DateOnly to, string format, IConfiguration configuration, TextWriter output, CancellationToken cancellationToken)
    {
        if (to < from || to.DayNumber - from.DayNumber + 1 > UsageLedger.MaxReportDays)
        {
            throw new VerbUsageException($"--to must not be before --from, and the range covers at most {UsageLedger.MaxReportDays} days");
        }

        var database = ValidatedOptions.Bind<DatabaseOptions>(configuration, DatabaseOptions.Section);
        await using var sources = new DataSources(Options.Create(database));
        var ledger = new UsageLedger(sources, VerbConfiguration.TenantDatabase(sources.Application, database));
        var report = new UsageReport(from, to, await ledger.ReadDaysAsync(tenant, from, to, cancellationToken));
        Write(report, format, output);
        return 0;
    }

    /// <summary>The report as a table (with a total line), JSON, or CSV; amounts exact.</summary>
    public static void Write(UsageReport report, string format, TextWriter output)
    {
        switch (format)
        {
            case "json":
                output.WriteLine(JsonSerializer.Serialize(report.Rows.Select(r => new
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
                }), new JsonSerializerOptions { WriteIndented = true }));
                break;
            case "csv":
                Table(report).WriteCsv(output);
                break;
            default:
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"AI usage from {report.From:yyyy-MM-dd} to {report.To:yyyy-MM-dd} (UTC days)"));
                if (report.Rows.Count == 0)
                {
                    output.WriteLine("no usage in this range");
                    break;
                }

                Table(report).WriteTable(output);
                break;
        }
    }

    private static OutputTable Table(UsageReport report)
    {
        var total = report.Rows.Count == 0 ? null : report.Rows.Aggregate((a, b) => a.Add(b));
        return new OutputTable(
            Columns,
            [.. report.Rows.Select(r => Cells(r.Day, r))],
            total is null ? null : Cells("total", total with { Model = "" }));
    }

    private static object?[] Cells(object day, UsageLine r) =>
        [day, r.Model, r.Events, r.InputTokens, r.OutputTokens, r.CacheReadTokens, r.CacheWriteTokens, r.TotalTokens, r.CostUsd, r.UnpricedEvents];
}
