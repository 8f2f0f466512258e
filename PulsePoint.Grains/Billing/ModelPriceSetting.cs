namespace PulsePoint.Billing;

/// <summary>One price entry as written in configuration or the shipped JSON file (USD per million tokens).</summary>
public sealed class ModelPriceSetting
{
    public string? Model { get; set; }

    /// <summary>UTC instant (or date: midnight UTC) from which this price applies.</summary>
    public DateTimeOffset? EffectiveFrom { get; set; }

    public decimal? InputPerMTok { get; set; }

    public decimal? OutputPerMTok { get; set; }

    /// <summary>Null: unknown for this model; events with cache-read tokens are then unpriced.</summary>
    public decimal? CacheReadPerMTok { get; set; }

    /// <summary>Null: unknown for this model; events with cache-write tokens are then unpriced.</summary>
    public decimal? CacheWritePerMTok { get; set; }

    /// <summary>Where the number comes from.</summary>
    public string? Note { get; set; }

    /// <summary>What is wrong with this entry, or null.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Model) || Model.Length > 100)
        {
            return "Model must be 1–100 characters";
        }

        if (EffectiveFrom is null)
        {
            return $"EffectiveFrom is required ({Model})";
        }

        if (InputPerMTok is null || OutputPerMTok is null)
        {
            return $"InputPerMTok and OutputPerMTok are required ({Model})";
        }

        decimal?[] prices = [InputPerMTok, OutputPerMTok, CacheReadPerMTok, CacheWritePerMTok];
        if (prices.Any(p => p is < 0 || (p is { } v && v.Scale > 6)))
        {
            return $"prices must be non-negative with at most 6 decimals ({Model})";
        }

        return null;
    }

    /// <summary>The validated entry, tagged with the layer it came from.</summary>
    public ModelPrice ToPrice(string layer) => Problem() is { } problem
        ? throw new InvalidOperationException($"price entry from {layer}: {problem}")
        : new ModelPrice(Model!.Trim(), EffectiveFrom!.Value.ToUniversalTime(), InputPerMTok!.Value, OutputPerMTok!.Value, CacheReadPerMTok, CacheWritePerMTok, layer);
}
