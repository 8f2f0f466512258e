namespace PulsePoint.Analytics;

/// <summary>
/// A validated, half-open time range <c>[From, To)</c> in UTC for analytics reports. Days are UTC days.
/// <c>From == To</c> is an empty range (every report answers no rows); <c>From &gt; To</c> is refused.
/// </summary>
[GenerateSerializer, Immutable, Alias("PulsePoint.AnalyticsRange")]
public sealed record AnalyticsRange
{
    /// <summary>The longest range a report covers: the warehouse keeps seven years, a report never needs more.</summary>
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(8 * 366);

    /// <summary>Creates the range <c>[from, to)</c>, converted to UTC.</summary>
    /// <exception cref="InvalidAnalyticsRangeException"><paramref name="from"/> is after <paramref name="to"/>, or the span is longer than <see cref="MaxSpan"/>.</exception>
    public AnalyticsRange(DateTimeOffset from, DateTimeOffset to)
    {
        if (from > to)
        {
            throw new InvalidAnalyticsRangeException(
                $"the range is inverted: it starts {from.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z, after its end {to.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z; swap --from and --to");
        }

        if (to - from > MaxSpan)
        {
            throw new InvalidAnalyticsRangeException($"the range spans {(to - from).TotalDays:0} days; at most {MaxSpan.TotalDays:0} days are allowed");
        }

        From = from.ToUniversalTime();
        To = to.ToUniversalTime();
    }

    /// <summary>The first instant included (UTC).</summary>
    [Id(0)] public DateTimeOffset From { get; }

    /// <summary>The first instant no longer included (UTC).</summary>
    [Id(1)] public DateTimeOffset To { get; }

    /// <summary>True when the range contains no instant.</summary>
    public bool IsEmpty => From == To;

    /// <summary>The whole UTC days <paramref name="first"/> to <paramref name="last"/>, both included.</summary>
    /// <exception cref="InvalidAnalyticsRangeException"><paramref name="last"/> is before <paramref name="first"/>.</exception>
    public static AnalyticsRange Days(DateOnly first, DateOnly last)
    {
        if (last < first)
        {
            throw new InvalidAnalyticsRangeException(
                $"the range is inverted: it starts {first:yyyy-MM-dd}, after its last day {last:yyyy-MM-dd}; swap --from and --to");
        }

        return new AnalyticsRange(
            new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
    }

    /// <inheritdoc />
    public override string ToString() => $"[{From.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z, {To.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z)";
}
