using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PulsePoint.Billing;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// <c>prices import --format litellm|pulsepoint FILE [--effective-from DATE] [--source TEXT] [--model NAME]... [--provider NAME]...</c>:
/// reads a price file, checks every selected entry, and writes them all into <c>model_prices</c> in one statement, or
/// nothing: the first bad entry is named with its field and the import is refused. Progress goes to stderr, the result
/// to stdout. Each row records its source and a note naming the file, its SHA-256 and the time of the import.
/// </summary>
public static class PricesImportVerb
{
    public static Command Create()
    {
        var format = VerbOptions.OneOf("--format",
            "litellm: LiteLLM's model_prices_and_context_window.json (USD per token); pulsepoint: docs/billing.md's format (USD per million tokens)",
            "litellm", "pulsepoint");
        format.Required = true;
        var file = new Argument<FileInfo>("FILE") { Description = "the price file (JSON)" };
        var effectiveFrom = VerbOptions.Instant("--effective-from", "when the prices start to apply (UTC); required for litellm, the default for pulsepoint entries without effectiveFrom", required: false);
        var source = new Option<string?>("--source") { Description = "where the file came from (URL, commit, date read); required for litellm, the default for pulsepoint entries without source", HelpName = "TEXT" };
        var models = new Option<string[]>("--model") { Description = "import only this model (repeatable)", HelpName = "NAME", AllowMultipleArgumentsPerToken = false };
        var providers = new Option<string[]>("--provider") { Description = "litellm: import only entries of this litellm_provider (repeatable)", HelpName = "NAME" };
        var command = new Command("import", "import a price file into model_prices, all of it or nothing (needs PulsePoint:Database:Owner)")
        {
            format, file, effectiveFrom, source, models, providers,
        }.Accepting();
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(format)!, result.GetValue(file)!, result.GetValue(effectiveFrom), result.GetValue(source),
            result.GetValue(models) ?? [], result.GetValue(providers) ?? [], VerbConfiguration.From(result),
            result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string format, FileInfo file, DateTimeOffset? effectiveFrom, string? source, string[] models, string[] providers,
        IConfiguration configuration, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new VerbUsageException($"no file '{file.FullName}'");
        }

        if (format == "litellm" && (effectiveFrom is null || string.IsNullOrWhiteSpace(source)))
        {
            throw new VerbUsageException("--format litellm needs --effective-from and --source: the file has neither dates nor provenance");
        }

        if (format == "pulsepoint" && providers.Length > 0)
        {
            throw new VerbUsageException("--provider selects entries of a litellm file; a pulsepoint file is selected with --model");
        }

        var database = ValidatedOptions.Bind<DatabaseOptions>(configuration, DatabaseOptions.Section);
        if (string.IsNullOrWhiteSpace(database.Owner))
        {
            throw new ConfigurationErrorException("prices import needs PulsePoint:Database:Owner (only the owner role writes model_prices)");
        }

        var bytes = await File.ReadAllBytesAsync(file.FullName, cancellationToken);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        await progress.WriteLineAsync($"prices import: reading {file.Name} ({bytes.Length:N0} bytes, {format} format, sha256 {sha256[..16]}…)");
        PriceImport import;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            import = format == "litellm"
                ? LiteLlmPriceFile.Parse(stream, effectiveFrom!.Value, source!.Trim(), models, providers)
                : PricingFile.Read(stream, effectiveFrom, string.IsNullOrWhiteSpace(source) ? null : source.Trim(), models);
        }
        catch (PriceImportException e)
        {
            await progress.WriteLineAsync($"{SiloCommandLine.Name}: prices import refused, nothing imported: {e.Message}");
            return 2;
        }

        await progress.WriteLineAsync(
            $"prices import: {import.Entries:N0} entries checked: {import.Prices.Count:N0} to import, {import.NotSelected:N0} not selected by --model/--provider, " +
            $"{import.NotTokenPriced:N0} without a per-token price");
        if (import.Prices.Count == 0)
        {
            await progress.WriteLineAsync($"{SiloCommandLine.Name}: prices import: nothing to import (check --model and --provider against the file's entries)");
            return 2;
        }

        var note = string.Create(CultureInfo.InvariantCulture, $"imported from {file.Name} ({format}, sha256 {sha256}) at {DateTimeOffset.UtcNow:yyyy-MM-dd'T'HH:mm:ss'Z'}");
        await progress.WriteLineAsync($"prices import: writing {import.Prices.Count:N0} prices to model_prices in one transaction…");
        await using var owner = Npgsql.NpgsqlDataSource.Create(database.Owner);
        var (added, replaced) = await ModelPriceTable.ImportAsync(owner, import.Prices, note, cancellationToken);
        var dates = import.Prices.Select(p => p.EffectiveFrom).Distinct().Order().ToArray();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"imported {import.Prices.Count} prices ({added} new, {replaced} replaced), effective from {Instant(dates[0])}{(dates.Length > 1 ? $" to {Instant(dates[^1])}" : "")}, " +
            $"{import.Prices.Count(p => p.TierList.Count > 0)} with long-context tiers, {import.Prices.Count(p => p.ReasoningPerMTok is not null)} with a reasoning rate"));
        return 0;
    }

    private static string Instant(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture).Replace("T00:00:00Z", "", StringComparison.Ordinal);
}
