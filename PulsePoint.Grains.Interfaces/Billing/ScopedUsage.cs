namespace PulsePoint.Billing;

/// <summary>
/// Recorded AI spend of one committed batch for the tenant's spend limits, summed per quarter hour and subject. Every
/// time zone's offset is a whole number of quarter hours, so a quarter hour never straddles a tenant's midnight.
/// </summary>
/// <param name="Quarter">The UTC quarter hour the events' timestamps fall in.</param>
/// <param name="UserId">Their user id; null: none.</param>
/// <param name="ApiKeyId">Their API key id; null: none.</param>
/// <param name="Feature">Their feature; null: none.</param>
/// <param name="Reserved">True for events that named a budget reservation (the reservation counts them in rate limits).</param>
/// <param name="CostUsd">Their priced cost.</param>
/// <param name="Tokens">Their total tokens.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.ScopedUsage")]
public sealed record ScopedUsage(
    DateTimeOffset Quarter,
    string? UserId,
    string? ApiKeyId,
    string? Feature,
    bool Reserved,
    decimal CostUsd,
    long Tokens)
{
    /// <summary>The start of the UTC quarter hour <paramref name="instant"/> falls in.</summary>
    public static DateTimeOffset QuarterOf(DateTimeOffset instant)
    {
        const long quarter = TimeSpan.TicksPerMinute * 15;
        var ticks = instant.UtcTicks;
        return new DateTimeOffset(ticks - ticks % quarter, TimeSpan.Zero);
    }
}
