namespace PulsePoint.Billing;

/// <summary>
/// A tenant's calendar days and months as UTC instants, in its time zone: a day is every instant whose local date is
/// that date, so it lasts 23 or 25 hours across a daylight-saving change, and begins at the first local time that
/// exists where clocks skip midnight.
/// </summary>
public sealed class TenantCalendar
{
    public static readonly TenantCalendar Utc = new(TimeZoneInfo.Utc);

    public TenantCalendar(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        Zone = zone;
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>The time zone named <paramref name="id"/> (an IANA name such as <c>Europe/Berlin</c>), or null when there is none.</summary>
    public static TenantCalendar? TryFind(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64)
        {
            return null;
        }

        if (string.Equals(id, "UTC", StringComparison.Ordinal))
        {
            return Utc;
        }

        // IANA names only: a Windows name would be converted on some machines and not on others.
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId ? new TenantCalendar(zone) : null;
    }

    /// <summary>The local date of <paramref name="instant"/>.</summary>
    public DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The day <paramref name="instant"/> falls in: [start, end).</summary>
    public (DateTimeOffset Start, DateTimeOffset End) DayOf(DateTimeOffset instant)
    {
        var date = DateOf(instant);
        return (StartOf(date), StartOf(date.AddDays(1)));
    }

    /// <summary>The calendar month <paramref name="instant"/> falls in: [start, end).</summary>
    public (DateTimeOffset Start, DateTimeOffset End) MonthOf(DateTimeOffset instant)
    {
        var date = DateOf(instant);
        var first = new DateOnly(date.Year, date.Month, 1);
        return (StartOf(first), StartOf(first.AddMonths(1)));
    }

    /// <summary>The period of <paramref name="period"/> (day or month) that <paramref name="instant"/> falls in.</summary>
    public (DateTimeOffset Start, DateTimeOffset End) PeriodOf(SpendPeriod period, DateTimeOffset instant) => period switch
    {
        SpendPeriod.Day => DayOf(instant),
        SpendPeriod.Month => MonthOf(instant),
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "a calendar period is a day or a month"),
    };

    /// <summary>The first instant whose local date is <paramref name="date"/>.</summary>
    public DateTimeOffset StartOf(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // Where clocks jump forward at midnight, the day begins at the first local time that exists (offsets and
        // changes are whole quarter hours).
        while (Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        // Where midnight happens twice, the day begins at the earlier one: the larger offset.
        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
