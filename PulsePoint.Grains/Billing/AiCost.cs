namespace PulsePoint.Billing;

/// <summary>
/// The priced cost of one AI event. Part costs are null when not computed: the caller gave only a total
/// (it is never split in proportion to tokens), or the event is unpriced.
/// </summary>
/// <param name="InputUsd">Input tokens' cost.</param>
/// <param name="OutputUsd">Output tokens' cost.</param>
/// <param name="CacheReadUsd">Cache-read tokens' cost.</param>
/// <param name="CacheWriteUsd">Cache-write tokens' cost.</param>
/// <param name="TotalUsd">Null exactly when <see cref="Unpriced"/>.</param>
/// <param name="PriceSource"><c>caller</c>, <c>catalog:&lt;version&gt;</c> or <c>unpriced</c>.</param>
/// <param name="UnpricedReason">Why it could not be priced, or null.</param>
public sealed record AiCost(
    decimal? InputUsd,
    decimal? OutputUsd,
    decimal? CacheReadUsd,
    decimal? CacheWriteUsd,
    decimal? TotalUsd,
    string PriceSource,
    string? UnpricedReason)
{
    public bool Unpriced => TotalUsd is null;
}
