namespace PulsePoint.Billing;

/// <summary>
/// One model's prices in USD per million tokens from <see cref="EffectiveFrom"/> on. A null cache price
/// means "not known": tokens of that kind cannot be priced.
/// </summary>
/// <param name="Model">Model name, matched case-insensitively.</param>
/// <param name="EffectiveFrom">UTC instant from which this price applies.</param>
/// <param name="InputPerMTok">USD per million input tokens.</param>
/// <param name="OutputPerMTok">USD per million output tokens.</param>
/// <param name="CacheReadPerMTok">USD per million cache-read tokens; null when unknown.</param>
/// <param name="CacheWritePerMTok">USD per million cache-write tokens; null when unknown.</param>
/// <param name="Layer">Where it came from: <c>file</c>, <c>config</c> or <c>table</c>.</param>
public sealed record ModelPrice(
    string Model,
    DateTimeOffset EffectiveFrom,
    decimal InputPerMTok,
    decimal OutputPerMTok,
    decimal? CacheReadPerMTok,
    decimal? CacheWritePerMTok,
    string Layer)
{
    /// <summary>Names this exact price: layer, model and effective instant, e.g. <c>file/claude-3-sonnet@2024-03-04</c>.</summary>
    public string Version => $"{Layer}/{Model}@{EffectiveFrom.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}".Replace("T00:00:00Z", "", StringComparison.Ordinal);
}
