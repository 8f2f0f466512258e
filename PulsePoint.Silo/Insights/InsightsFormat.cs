using System.Globalization;

namespace PulsePoint.Silo.Insights;

/// <summary>How the page writes numbers and days: invariant culture, so a page reads the same on every host.</summary>
public static class InsightsFormat
{
    /// <summary>A day as YYYY-MM-DD.</summary>
    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>An SVG coordinate or length, to two decimals at most.</summary>
    public static string Coordinate(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A value as people read it on an axis or in a tooltip: grouped from 100 up, else up to four decimals.</summary>
    public static string Number(double value) =>
        value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>A value exactly (round-trip), for <c>data-value</c> attributes that tools and tests read.</summary>
    public static string Exact(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>An axis label cut to fit its slot.</summary>
    public static string Shorten(string label) => label.Length > 22 ? label[..21] + "…" : label;
}
