using System.Text.Json;

namespace PulsePoint.Billing;

/// <summary>One long-context tier as written in configuration or a pricing file (USD per million tokens), see <see cref="PriceTier"/>.</summary>
public sealed class PriceTierSetting
{
    /// <summary>The prompt size (input + cache-read + cache-write tokens) this tier starts above.</summary>
    public long? AboveInputTokens { get; set; }

    public decimal? InputPerMTok { get; set; }

    public decimal? OutputPerMTok { get; set; }

    /// <summary>Null: unknown at this tier; a request above the threshold with cache-read tokens is unpriced.</summary>
    public decimal? CacheReadPerMTok { get; set; }

    /// <summary>Null: unknown at this tier; a request above the threshold with cache-write tokens is unpriced.</summary>
    public decimal? CacheWritePerMTok { get; set; }

    /// <summary>Null: reasoning tokens cost the tier's output rate.</summary>
    public decimal? ReasoningPerMTok { get; set; }

    /// <summary>What is wrong with this tier, or null; <paramref name="index"/> names it.</summary>
    public string? Problem(int index)
    {
        if (AboveInputTokens is not > 0 || AboveInputTokens > Events.StructuredEventValidator.MaxTokens)
        {
            return $"Tiers[{index}].AboveInputTokens must be a token count between 1 and {Events.StructuredEventValidator.MaxTokens}";
        }

        if (InputPerMTok is null)
        {
            return $"Tiers[{index}].InputPerMTok is required";
        }

        if (OutputPerMTok is null)
        {
            return $"Tiers[{index}].OutputPerMTok is required";
        }

        return ModelPriceSetting.RateProblem($"Tiers[{index}].", InputPerMTok, OutputPerMTok, CacheReadPerMTok, CacheWritePerMTok, ReasoningPerMTok);
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    /// <summary>The tiers as the <c>tiers</c> column holds them: a JSON array of camel-case objects, rates as exact JSON numbers.</summary>
    public static string ToJson(IEnumerable<PriceTier> tiers) => JsonSerializer.Serialize(tiers.Select(Of).ToArray(), Json);

    /// <summary>Reads a <c>tiers</c> column; <paramref name="entry"/> names the row when a tier is invalid.</summary>
    public static IReadOnlyList<PriceTier> ParseList(string json, string entry)
    {
        var settings = JsonSerializer.Deserialize<List<PriceTierSetting>>(json, Json) ?? [];
        var probe = new ModelPriceSetting { Model = entry, EffectiveFrom = DateTimeOffset.UnixEpoch, InputPerMTok = 0, OutputPerMTok = 0, Tiers = settings };
        return probe.Problem() is { } problem
            ? throw new InvalidOperationException($"price entry {entry}: {problem}")
            : settings.Select(t => t.ToTier()).ToArray();
    }

    public PriceTier ToTier() => new(AboveInputTokens!.Value, InputPerMTok!.Value, OutputPerMTok!.Value, CacheReadPerMTok, CacheWritePerMTok, ReasoningPerMTok);

    /// <summary>The setting that writes <paramref name="tier"/>.</summary>
    public static PriceTierSetting Of(PriceTier tier) => new()
    {
        AboveInputTokens = tier.AboveInputTokens,
        InputPerMTok = tier.InputPerMTok,
        OutputPerMTok = tier.OutputPerMTok,
        CacheReadPerMTok = tier.CacheReadPerMTok,
        CacheWritePerMTok = tier.CacheWritePerMTok,
        ReasoningPerMTok = tier.ReasoningPerMTok,
    };
}
