namespace PulsePoint.Billing;

/// <summary>
/// The priced cost of one AI event. Part costs are null when not computed: the caller gave only a total
/// (it is never split in proportion to tokens), or the event is unpriced.
/// </summary>
/// <param name="InputUsd">Input tokens' cost.</param>
/// <param name="OutputUsd">Output tokens' cost, reasoning tokens included.</param>
/// <param name="CacheReadUsd">Cache-read tokens' cost.</param>
/// <param name="CacheWriteUsd">Cache-write tokens' cost.</param>
/// <param name="TotalUsd">Null exactly when <see cref="Unpriced"/>; the sum of the four parts when they are computed.</param>
/// <param name="PriceSource"><c>caller</c>, <c>catalog:&lt;version&gt;</c> (with the long-context tier, if one applied) or <c>unpriced</c>.</param>
/// <param name="UnpricedReason">Why it could not be priced, or null.</param>
/// <param name="ReasoningUsd">Of <see cref="OutputUsd"/>, the reasoning tokens' cost.</param>
public sealed record AiCost(
    decimal? InputUsd,
    decimal? OutputUsd,
    decimal? CacheReadUsd,
    decimal? CacheWriteUsd,
    decimal? TotalUsd,
    string PriceSource,
    string? UnpricedReason,
    decimal? ReasoningUsd = null)
{
    public bool Unpriced => TotalUsd is null;
}
