namespace PulsePoint.Billing;

/// <summary>
/// A model's long-context rates (USD per million tokens): a request whose prompt — input, cache-read and cache-write
/// tokens together — is more than <see cref="AboveInputTokens"/> has every one of its tokens priced at these rates,
/// output included, not only the tokens beyond the line. A null cache rate means "not known at this tier": such
/// tokens leave the request unpriced. A null reasoning rate means the tier's output rate.
/// </summary>
/// <param name="AboveInputTokens">The prompt size this tier starts above, e.g. 200000.</param>
/// <param name="InputPerMTok">USD per million input tokens.</param>
/// <param name="OutputPerMTok">USD per million output tokens.</param>
/// <param name="CacheReadPerMTok">USD per million cache-read tokens; null when unknown.</param>
/// <param name="CacheWritePerMTok">USD per million cache-write tokens; null when unknown.</param>
/// <param name="ReasoningPerMTok">USD per million reasoning tokens; null: the output rate.</param>
public sealed record PriceTier(
    long AboveInputTokens,
    decimal InputPerMTok,
    decimal OutputPerMTok,
    decimal? CacheReadPerMTok,
    decimal? CacheWritePerMTok,
    decimal? ReasoningPerMTok = null);
