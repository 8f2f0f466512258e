using System.Text.Json;

namespace PulsePoint.Billing;

/// <summary>
/// PulsePoint's own pricing format — <c>{ "prices": [ { "model", "effectiveFrom", "inputPerMTok", "outputPerMTok",
/// "cacheReadPerMTok", "cacheWritePerMTok", "reasoningPerMTok", "tiers": [...], "source", "note" } ] }</c>, USD per
/// million tokens — and the shipped default catalog, <c>deploy/pricing/default-pricing.json</c>, embedded in this assembly.
/// </summary>
public static class PricingFile
{
    private const string ResourceName = "PulsePoint.Pricing.default-pricing.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip };

    private static readonly Lazy<IReadOnlyList<ModelPrice>> Shipped = new(() =>
    {
        using var stream = typeof(PricingFile).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded in {typeof(PricingFile).Assembly.GetName().Name}");
        return Parse(stream);
    });

    /// <summary>The shipped prices (layer <c>file</c>).</summary>
    public static IReadOnlyList<ModelPrice> Default => Shipped.Value;

    /// <summary>Reads a pricing file whose every entry has its effective instant (layer <c>file</c>).</summary>
    public static IReadOnlyList<ModelPrice> Parse(Stream json) => Read(json, null, null, []).Prices.Select(p => p with { Layer = "file" }).ToArray();

    /// <summary>
    /// Reads a pricing file for import into <c>model_prices</c>: an entry without <c>effectiveFrom</c> or <c>source</c>
    /// takes <paramref name="effectiveFrom"/> and <paramref name="source"/>; <paramref name="models"/> selects entries when not empty.
    /// </summary>
    /// <exception cref="PriceImportException">An entry is invalid (named with its field); nothing is imported.</exception>
    public static PriceImport Read(Stream json, DateTimeOffset? effectiveFrom, string? source, IReadOnlyCollection<string> models)
    {
        Document document;
        try
        {
            document = JsonSerializer.Deserialize<Document>(json, Json) ?? throw new PriceImportException("(file)", "(json)", "the file is empty");
        }
        catch (JsonException e)
        {
            throw new PriceImportException("(file)", e.Path ?? "(json)", $"not a PulsePoint pricing file: {e.Message}");
        }

        var prices = new List<ModelPrice>();
        var notSelected = 0;
        for (var i = 0; i < document.Prices.Count; i++)
        {
            var setting = document.Prices[i];
            var entry = string.IsNullOrWhiteSpace(setting.Model) ? $"prices[{i}]" : setting.Model;
            if (models.Count > 0 && !models.Contains(setting.Model ?? "", StringComparer.OrdinalIgnoreCase))
            {
                notSelected++;
                continue;
            }

            setting.EffectiveFrom ??= effectiveFrom;
            setting.Source ??= source;
            if (setting.Problem() is { } problem)
            {
                throw new PriceImportException(entry, problem.Split(' ', 2)[0], problem);
            }

            prices.Add(setting.ToPrice("table"));
        }

        var duplicate = prices.GroupBy(p => (p.Model.ToLowerInvariant(), p.EffectiveFrom)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new PriceImportException(duplicate.First().Model, "EffectiveFrom", $"appears more than once for {duplicate.Key.Item2:yyyy-MM-dd'T'HH:mm:ss'Z'}");
        }

        return new PriceImport(prices, document.Prices.Count, notSelected, 0);
    }

    private sealed class Document
    {
        public List<ModelPriceSetting> Prices { get; set; } = [];
    }
}
