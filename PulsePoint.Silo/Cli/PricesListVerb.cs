using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using PulsePoint.Billing;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// <c>prices list [--model NAME] [--tenant ID] [--format table|csv]</c>: the catalog as the silo merges it — shipped file,
/// configuration, <c>model_prices</c> — with each entry's layer, rates (USD per million tokens), tiers and source; with
/// <c>--tenant</c>, that tenant's negotiated prices too (read under its RLS context). Application role.
/// </summary>
public static class PricesListVerb
{
    private static readonly OutputColumn[] Columns =
    [
        new("model"), new("effective_from"), new("layer"), new("input", ColumnKind.Money), new("output", ColumnKind.Money),
        new("cache_read", ColumnKind.Money), new("cache_write", ColumnKind.Money), new("reasoning", ColumnKind.Money), new("tiers"), new("source"),
    ];

    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "only this model", HelpName = "NAME" };
        var tenant = VerbOptions.Tenant("also the negotiated prices of this tenant", required: false);
        var format = VerbOptions.OneOf("--format", "table for people, csv for tools", "table", "csv");
        var command = new Command("list", "the prices in force: shipped file, configuration and model_prices, merged as the silo merges them")
        {
            model, tenant, format,
        }.Accepting();
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(model), result.GetValue(tenant), result.GetValue(format)!, VerbConfiguration.From(result),
            result.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    /// <summary>Writes the prices; with <paramref name="negotiatedOnly"/>, only <paramref name="tenant"/>'s negotiated ones.</summary>
    internal static async Task<int> RunAsync(
        string? model, TenantId? tenant, string format, IConfiguration configuration, TextWriter output, CancellationToken cancellationToken, bool negotiatedOnly = false)
    {
        var database = ValidatedOptions.Bind<DatabaseOptions>(configuration, DatabaseOptions.Section);
        var billing = ValidatedOptions.Bind<BillingOptions>(configuration, BillingOptions.Section);
        await using var sources = new DataSources(Options.Create(database));
        var table = await ModelPriceTable.ListAsync(sources.Application, cancellationToken);
        var negotiated = tenant is { } id ? await ModelPriceTable.ListTenantAsync(VerbConfiguration.TenantDatabase(sources.Application, database), id, cancellationToken) : [];
        var catalog = new PricingCatalog(PricingFile.Default, billing.Pricing.Select(p => p.ToPrice("config")), table.Select(t => t.Price));
        var prices = (negotiatedOnly ? [] : catalog.Entries).Concat(negotiated.Select(n => n.Price))
            .Where(p => model is null || string.Equals(p.Model, model.Trim(), StringComparison.OrdinalIgnoreCase))
            .ToArray();
        var rendered = new OutputTable(Columns, prices.Select(Row).ToArray());
        if (format == "csv")
        {
            rendered.WriteCsv(output);
        }
        else
        {
            rendered.WriteTable(output);
        }

        return 0;
    }

    private static IReadOnlyList<object?> Row(ModelPrice p) =>
    [
        p.Model,
        p.EffectiveFrom.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture).Replace("T00:00:00Z", "", StringComparison.Ordinal),
        p.Layer, p.InputPerMTok, p.OutputPerMTok, p.CacheReadPerMTok, p.CacheWritePerMTok, p.ReasoningPerMTok,
        string.Join("; ", p.TierList.Select(Tier)),
        p.Source ?? "",
    ];

    /// <summary>A tier in one cell: <c>&gt;200000: 6 / 22.5 / cache 0.6 / 7.5</c> (input / output / cache read / cache write).</summary>
    private static string Tier(PriceTier t) =>
        string.Create(CultureInfo.InvariantCulture, $">{t.AboveInputTokens}: {t.InputPerMTok:0.######} / {t.OutputPerMTok:0.######} / cache {Optional(t.CacheReadPerMTok)} / {Optional(t.CacheWritePerMTok)}")
        + (t.ReasoningPerMTok is { } r ? " / reasoning " + Optional(r) : "");

    private static string Optional(decimal? rate) => rate is { } r ? r.ToString("0.######", CultureInfo.InvariantCulture) : "-";
}
