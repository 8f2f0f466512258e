using PulsePoint.Billing;

namespace PulsePoint.Tests.Billing;

public sealed class TenantCalendarTests
{
    private static readonly string[] Zones =
        ["UTC", "Europe/Berlin", "America/New_York", "America/Havana", "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "Asia/Kathmandu"];

    [Fact]
    public void Calendar_every_quarter_hour_of_a_year_falls_in_the_day_and_month_of_its_local_date()
    {
        foreach (var id in Zones)
        {
            var calendar = TenantCalendar.TryFind(id);
            Assert.NotNull(calendar);
            for (var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero); t.Year == 2026; t = t.AddMinutes(15))
            {
                var local = TimeZoneInfo.ConvertTime(t, calendar.Zone);
                var (start, end) = calendar.DayOf(t);
                Assert.True(start <= t && t < end, $"{id} {t:O}: day [{start:O}, {end:O})");
                // The day begins at the first instant of its local date: the instant before it is the previous date.
                Assert.Equal(local.Date, TimeZoneInfo.ConvertTime(start, calendar.Zone).Date);
                Assert.Equal(local.Date.AddDays(-1), TimeZoneInfo.ConvertTime(start.AddTicks(-1), calendar.Zone).Date);
                Assert.Equal(local.Date.AddDays(1), TimeZoneInfo.ConvertTime(end, calendar.Zone).Date);

                var (monthStart, monthEnd) = calendar.MonthOf(t);
                Assert.True(monthStart <= t && t < monthEnd, $"{id} {t:O}: month [{monthStart:O}, {monthEnd:O})");
                var first = TimeZoneInfo.ConvertTime(monthStart, calendar.Zone);
                Assert.Equal((local.Year, local.Month, 1), (first.Year, first.Month, first.Day));
                Assert.NotEqual(local.Month, TimeZoneInfo.ConvertTime(monthStart.AddTicks(-1), calendar.Zone).Month);
            }
        }
    }

    [Fact]
    public void Calendar_days_across_daylight_saving_changes_last_23_and_25_hours()
    {
        var berlin = TenantCalendar.TryFind("Europe/Berlin")!;
        var spring = berlin.DayOf(new DateTimeOffset(2026, 3, 29, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal((new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(23)), (spring.Start, spring.End - spring.Start));
        var autumn = berlin.DayOf(new DateTimeOffset(2026, 10, 25, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal((new DateTimeOffset(2026, 10, 24, 22, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(25)), (autumn.Start, autumn.End - autumn.Start));

        // New York's November starts in daylight time (UTC−4) and December in standard time (UTC−5).
        var york = TenantCalendar.TryFind("America/New_York")!;
        var november = york.MonthOf(new DateTimeOffset(2026, 11, 15, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 4, 0, 0, TimeSpan.Zero), november.Start);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero), november.End);
    }

    [Fact]
    public void Calendar_names_are_iana_zones_and_nothing_else()
    {
        Assert.Same(TenantCalendar.Utc, TenantCalendar.TryFind("UTC"));
        Assert.NotNull(TenantCalendar.TryFind("Asia/Kathmandu"));
        Assert.Null(TenantCalendar.TryFind("Mars/Olympus_Mons"));
        Assert.Null(TenantCalendar.TryFind(""));
        Assert.Null(TenantCalendar.TryFind(null));
        Assert.Null(TenantCalendar.TryFind(new string('A', 65)));
    }
}
