namespace PulsePoint.Billing;

/// <summary>
/// One model's prices in USD per million tokens from <see cref="EffectiveFrom"/> on. A null cache price
/// means "not known": tokens of that kind cannot be priced. A null reasoning price means reasoning tokens
/// cost what output tokens cost (they are output tokens).
/// </summary>
/// <param name="Model">Model name, matched case-insensitively.</param>
/// <param name="EffectiveFrom">UTC instant from which this price applies.</param>
/// <param name="InputPerMTok">USD per million input tokens.</param>
/// <param name="OutputPerMTok">USD per million output tokens.</param>
/// <param name="CacheReadPerMTok">USD per million cache-read tokens; null when unknown.</param>
/// <param name="CacheWritePerMTok">USD per million cache-write tokens; null when unknown.</param>
/// <param name="Layer">Where it came from: <c>file</c>, <c>config</c>, <c>table</c> or <c>tenant</c> (a tenant's negotiated price).</param>
/// <param name="ReasoningPerMTok">USD per million reasoning tokens; null: the output rate.</param>
/// <param name="Tiers">Long-context rates, by ascending <see cref="PriceTier.AboveInputTokens"/>; empty: one rate for every prompt size.</param>
/// <param name="Source">Where the numbers were read (a provider's pricing page and the date, or an imported file), if known.</param>
public sealed record ModelPrice(
    string Model,
    DateTimeOffset EffectiveFrom,
    decimal InputPerMTok,
    decimal OutputPerMTok,
    decimal? CacheReadPerMTok,
    decimal? CacheWritePerMTok,
    string Layer,
    decimal? ReasoningPerMTok = null,
    IReadOnlyList<PriceTier>? Tiers = null,
    string? Source = null)
{
    /// <summary>Names this exact price: layer, model and effective instant, e.g. <c>file/claude-3-sonnet@2024-03-04</c>.</summary>
    public string Version => $"{Layer}/{Model}@{EffectiveFrom.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}".Replace("T00:00:00Z", "", StringComparison.Ordinal);

    /// <summary>The long-context tiers, ascending; never null.</summary>
    public IReadOnlyList<PriceTier> TierList => Tiers ?? [];

    /// <summary>
    /// The tier a request with <paramref name="promptTokens"/> prompt tokens (input, cache-read and cache-write together)
    /// is priced at: the one with the highest threshold below the prompt size, or null for the base rates.
    /// </summary>
    public PriceTier? TierFor(long promptTokens) => TierList.LastOrDefault(t => promptTokens > t.AboveInputTokens);
}
