namespace PulsePoint.Billing;

/// <summary>
/// One price entry as written in configuration, the shipped JSON file or an imported PulsePoint-format file (USD per
/// million tokens). Validated before use; a problem names the field.
/// </summary>
public sealed class ModelPriceSetting
{
    /// <summary>Most decimal places a price per million tokens may have: tokens × price / 10^6 then has at most 12, exact money.</summary>
    public const int MaxPriceDecimals = 6;

    /// <summary>The highest price per million tokens accepted; far above any real one, low enough that no cost overflows.</summary>
    public const decimal MaxPricePerMTok = 1_000_000m;

    public string? Model { get; set; }

    /// <summary>UTC instant (or date: midnight UTC) from which this price applies.</summary>
    public DateTimeOffset? EffectiveFrom { get; set; }

    public decimal? InputPerMTok { get; set; }

    public decimal? OutputPerMTok { get; set; }

    /// <summary>Null: unknown for this model; events with cache-read tokens are then unpriced.</summary>
    public decimal? CacheReadPerMTok { get; set; }

    /// <summary>Null: unknown for this model; events with cache-write tokens are then unpriced.</summary>
    public decimal? CacheWritePerMTok { get; set; }

    /// <summary>Null: reasoning tokens cost the output rate.</summary>
    public decimal? ReasoningPerMTok { get; set; }

    /// <summary>Long-context tiers (see <see cref="PriceTier"/>); empty: one rate for every prompt size.</summary>
    public List<PriceTierSetting> Tiers { get; set; } = [];

    /// <summary>Where the numbers were read: the provider's pricing page and the date it was read, or the imported file.</summary>
    public string? Source { get; set; }

    /// <summary>Anything else worth knowing about the entry.</summary>
    public string? Note { get; set; }

    /// <summary>What is wrong with this entry, or null. The message names the field.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Model) || Model.Trim().Length > 100)
        {
            return "Model must be 1–100 characters";
        }

        if (EffectiveFrom is null)
        {
            return "EffectiveFrom is required";
        }

        if (InputPerMTok is null)
        {
            return "InputPerMTok is required";
        }

        if (OutputPerMTok is null)
        {
            return "OutputPerMTok is required";
        }

        if (RateProblem("", InputPerMTok, OutputPerMTok, CacheReadPerMTok, CacheWritePerMTok, ReasoningPerMTok) is { } rate)
        {
            return rate;
        }

        for (var i = 0; i < Tiers.Count; i++)
        {
            if (Tiers[i].Problem(i) is { } tier)
            {
                return tier;
            }

            if (i > 0 && Tiers[i].AboveInputTokens <= Tiers[i - 1].AboveInputTokens)
            {
                return $"Tiers[{i}].AboveInputTokens must be above Tiers[{i - 1}].AboveInputTokens (tiers ascend)";
            }
        }

        return Source is { Length: > 500 } ? "Source is longer than 500 characters" : null;
    }

    /// <summary>The first rate of the given ones that is negative, too large or has more than six decimals, named with <paramref name="prefix"/>.</summary>
    internal static string? RateProblem(string prefix, decimal? input, decimal? output, decimal? cacheRead, decimal? cacheWrite, decimal? reasoning)
    {
        (string Name, decimal? Value)[] rates =
        [
            (nameof(InputPerMTok), input), (nameof(OutputPerMTok), output), (nameof(CacheReadPerMTok), cacheRead),
            (nameof(CacheWritePerMTok), cacheWrite), (nameof(ReasoningPerMTok), reasoning),
        ];
        foreach (var (name, value) in rates)
        {
            if (value is < 0 or > MaxPricePerMTok)
            {
                return $"{prefix}{name} must be between 0 and {MaxPricePerMTok:0} USD per million tokens (is {value})";
            }

            if (value is { } v && decimal.Round(v, MaxPriceDecimals) != v)
            {
                return $"{prefix}{name} has more than {MaxPriceDecimals} decimals per million tokens (is {v}); costs would not be exact to 10^-12 USD";
            }
        }

        return null;
    }

    /// <summary>The validated entry, tagged with the layer it came from.</summary>
    public ModelPrice ToPrice(string layer) => Problem() is { } problem
        ? throw new InvalidOperationException($"price entry '{Model}' from {layer}: {problem}")
        : new ModelPrice(
            Model!.Trim(), EffectiveFrom!.Value.ToUniversalTime(), InputPerMTok!.Value, OutputPerMTok!.Value, CacheReadPerMTok, CacheWritePerMTok, layer,
            ReasoningPerMTok, Tiers.Select(t => t.ToTier()).ToArray(), string.IsNullOrWhiteSpace(Source) ? null : Source.Trim());

    /// <summary>The setting that writes <paramref name="price"/> (for the table and the PulsePoint file format).</summary>
    public static ModelPriceSetting Of(ModelPrice price, string? note = null) => new()
    {
        Model = price.Model,
        EffectiveFrom = price.EffectiveFrom,
        InputPerMTok = price.InputPerMTok,
        OutputPerMTok = price.OutputPerMTok,
        CacheReadPerMTok = price.CacheReadPerMTok,
        CacheWritePerMTok = price.CacheWritePerMTok,
        ReasoningPerMTok = price.ReasoningPerMTok,
        Tiers = price.TierList.Select(PriceTierSetting.Of).ToList(),
        Source = price.Source,
        Note = note,
    };
}
