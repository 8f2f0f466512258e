using System.Globalization;
using System.Text.Json;

namespace PulsePoint.Billing;

/// <summary>
/// Reads LiteLLM's <c>model_prices_and_context_window.json</c>: one object keyed by model name (the <c>sample_spec</c>
/// entry documents the fields and is skipped), prices in USD per token. They become prices per million tokens, exact:
/// a per-token price with more than 12 decimals (a rounding artefact such as 1.4999999999999999e-06) is refused, never
/// rounded. Fields read: <c>input_cost_per_token</c>, <c>output_cost_per_token</c>, <c>cache_read_input_token_cost</c>,
/// <c>cache_creation_input_token_cost</c>, <c>output_cost_per_reasoning_token</c>, and the long-context tiers
/// <c>input_cost_per_token_above_128k_tokens</c>, <c>output_cost_per_token_above_128k_tokens</c> and the same
/// <c>_above_200k_tokens</c> with <c>cache_read_input_token_cost_above_200k_tokens</c> and
/// <c>cache_creation_input_token_cost_above_200k_tokens</c>. A tier without its own input or output price uses the
/// base one, as LiteLLM does; a tier without its own cache price has none (such tokens above the line are unpriced,
/// never billed at the lower base rate).
/// </summary>
public static class LiteLlmPriceFile
{
    /// <summary>The entry that documents the format rather than pricing a model.</summary>
    public const string SampleSpec = "sample_spec";

    private static readonly (long Above, string Suffix)[] TierFields = [(128_000, "_above_128k_tokens"), (200_000, "_above_200k_tokens")];

    /// <summary>
    /// The prices of <paramref name="json"/>, effective from <paramref name="effectiveFrom"/>, each with
    /// <paramref name="source"/>. <paramref name="models"/> and <paramref name="providers"/> (<c>litellm_provider</c>)
    /// select entries when not empty.
    /// </summary>
    /// <exception cref="PriceImportException">An entry cannot be imported; nothing is.</exception>
    public static PriceImport Parse(
        Stream json, DateTimeOffset effectiveFrom, string source, IReadOnlyCollection<string> models, IReadOnlyCollection<string> providers)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new PriceImportException("(file)", "(json)", $"not valid JSON: {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new PriceImportException("(file)", "(json)", "the file must be one JSON object keyed by model name");
            }

            var prices = new List<ModelPrice>();
            int entries = 0, notSelected = 0, notTokenPriced = 0;
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Name == SampleSpec)
                {
                    continue;
                }

                entries++;
                if (entry.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new PriceImportException(entry.Name, "(entry)", "must be a JSON object");
                }

                if ((models.Count > 0 && !models.Contains(entry.Name, StringComparer.OrdinalIgnoreCase))
                    || (providers.Count > 0 && !providers.Contains(Text(entry.Value, "litellm_provider") ?? "", StringComparer.OrdinalIgnoreCase)))
                {
                    notSelected++;
                    continue;
                }

                if (PerMillion(entry, "input_cost_per_token") is not { } input)
                {
                    notTokenPriced++;
                    continue;
                }

                var output = PerMillion(entry, "output_cost_per_token")
                    ?? throw new PriceImportException(entry.Name, "output_cost_per_token", "is missing; an entry with an input price per token needs an output price per token");
                var tiers = new List<PriceTierSetting>();
                foreach (var (above, suffix) in TierFields)
                {
                    var tierInput = PerMillion(entry, "input_cost_per_token" + suffix);
                    var tierOutput = PerMillion(entry, "output_cost_per_token" + suffix);
                    var tierCacheRead = PerMillion(entry, "cache_read_input_token_cost" + suffix);
                    var tierCacheWrite = PerMillion(entry, "cache_creation_input_token_cost" + suffix);
                    if (tierInput is not null || tierOutput is not null || tierCacheRead is not null || tierCacheWrite is not null)
                    {
                        tiers.Add(new PriceTierSetting
                        {
                            AboveInputTokens = above,
                            InputPerMTok = tierInput ?? input,
                            OutputPerMTok = tierOutput ?? output,
                            CacheReadPerMTok = tierCacheRead,
                            CacheWritePerMTok = tierCacheWrite,
                        });
                    }
                }

                var setting = new ModelPriceSetting
                {
                    Model = entry.Name,
                    EffectiveFrom = effectiveFrom,
                    InputPerMTok = input,
                    OutputPerMTok = output,
                    CacheReadPerMTok = PerMillion(entry, "cache_read_input_token_cost"),
                    CacheWritePerMTok = PerMillion(entry, "cache_creation_input_token_cost"),
                    ReasoningPerMTok = PerMillion(entry, "output_cost_per_reasoning_token"),
                    Tiers = tiers,
                    Source = source,
                };
                if (setting.Problem() is { } problem)
                {
                    throw new PriceImportException(entry.Name, problem.Split(' ', 2)[0], problem);
                }

                prices.Add(setting.ToPrice("table"));
            }

            return new PriceImport(prices, entries, notSelected, notTokenPriced);
        }
    }

    /// <summary>The USD-per-token field <paramref name="field"/> as USD per million tokens; null when absent or JSON null.</summary>
    private static decimal? PerMillion(JsonProperty entry, string field)
    {
        if (!entry.Value.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number
            || !decimal.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var perToken))
        {
            throw new PriceImportException(entry.Name, field, $"must be a number of USD per token (is {Shorten(value.GetRawText())})");
        }

        if (perToken < 0)
        {
            throw new PriceImportException(entry.Name, field, $"must not be negative (is {value.GetRawText()})");
        }

        var perMillion = perToken * 1_000_000m;
        if (decimal.Round(perMillion, ModelPriceSetting.MaxPriceDecimals) != perMillion)
        {
            throw new PriceImportException(entry.Name, field,
                $"{value.GetRawText()} USD per token is {perMillion} USD per million tokens, more than {ModelPriceSetting.MaxPriceDecimals} decimals: " +
                "costs would not be exact to 10^-12 USD; correct the value in the file, or leave the model out with --model");
        }

        return perMillion;
    }

    private static string? Text(JsonElement entry, string field) =>
        entry.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
