namespace PulsePoint.Brands;

/// <summary>
/// An inclusive range of UTC calendar days. Orders count when <c>created_at</c> falls on a day of the
/// range (from <see cref="From"/> 00:00 UTC up to, not including, the day after <see cref="To"/>);
/// ad performance counts when its <c>day</c> is in the range.
/// </summary>
/// <param name="From">First day, inclusive.</param>
/// <param name="To">Last day, inclusive; not before <paramref name="From"/>.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.DateRange")]
public sealed record DateRange(DateOnly From, DateOnly To)
{
    /// <summary>The longest range accepted, so one call cannot ask for an unbounded scan.</summary>
    public const int MaxDays = 3_660;

    /// <summary>Creates a validated range.</summary>
    /// <exception cref="InvalidDateRangeException">The range is inverted or longer than <see cref="MaxDays"/>.</exception>
    public static DateRange Create(DateOnly from, DateOnly to) => new DateRange(from, to).Validated();

    /// <summary>
    /// Returns this range if it is valid. Grains call it again on receipt: a deserialized record does
    /// not pass through <see cref="Create"/>.
    /// </summary>
    /// <exception cref="InvalidDateRangeException">The range is inverted or longer than <see cref="MaxDays"/>.</exception>
    public DateRange Validated()
    {
        if (To < From)
        {
            throw new InvalidDateRangeException($"Invalid date range: it ends ({To:yyyy-MM-dd}) before it starts ({From:yyyy-MM-dd}).");
        }

        if (To.DayNumber - From.DayNumber + 1 > MaxDays)
        {
            throw new InvalidDateRangeException($"Invalid date range: {From:yyyy-MM-dd}..{To:yyyy-MM-dd} is longer than {MaxDays} days.");
        }

        return this;
    }

    /// <summary>The first instant of the range (UTC midnight of <see cref="From"/>).</summary>
    public DateTimeOffset Start => new(From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The first instant after the range (UTC midnight of the day after <see cref="To"/>).</summary>
    public DateTimeOffset EndExclusive => new(To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
