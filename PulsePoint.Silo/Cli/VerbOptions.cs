using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// The options several verbs share, each parsed and checked in one place so a bad value gets the same one-line message
/// in every verb ("--from must be a date like 2026-11-01, not '2026-02-30'").
/// </summary>
public static class VerbOptions
{
    /// <summary>A tenant id (a canonical UUID); <paramref name="required"/> or absent (null).</summary>
    public static Option<TenantId?> Tenant(string description, bool required) => new("--tenant")
    {
        Description = description,
        HelpName = "ID",
        Required = required,
        CustomParser = result => Parse<TenantId>(result, text => TenantId.TryParse(text, out var id) ? id : null, "must be a tenant id (a canonical UUID)"),
    };

    /// <summary>A UTC day as YYYY-MM-DD; <paramref name="required"/> or absent (null).</summary>
    public static Option<DateOnly?> Day(string name, string description, bool required) => new(name)
    {
        Description = description,
        HelpName = "YYYY-MM-DD",
        Required = required,
        CustomParser = result => Parse<DateOnly>(result, ParseDay, "must be a date like 2026-11-01"),
    };

    /// <summary>One of <paramref name="values"/>, the first by default.</summary>
    public static Option<string> OneOf(string name, string description, params string[] values) => new(name)
    {
        Description = description,
        HelpName = string.Join('|', values),
        DefaultValueFactory = _ => values[0],
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (values.Contains(text, StringComparer.Ordinal))
            {
                return text;
            }

            result.AddError($"{NameOf(result)} must be {string.Join(", ", values[..^1])} or {values[^1]}, not '{Shorten(text)}'");
            return values[0];
        },
    };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> WholeNumber(string name, string description, int defaultValue, int min, int max) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
            Parse<int>(result, text => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : null,
                $"takes a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}") ?? defaultValue,
    };

    /// <summary>A number of seconds from 0 to <paramref name="max"/> (fractions allowed), as help shows it: in seconds.</summary>
    public static Option<double> Seconds(string name, string description, TimeSpan defaultValue, int max) => new(name)
    {
        Description = description,
        HelpName = "SECONDS",
        DefaultValueFactory = _ => defaultValue.TotalSeconds,
        CustomParser = result =>
            Parse<double>(result, text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0 && s <= max ? s : null,
                $"must be a number of seconds from 0 to {max.ToString(CultureInfo.InvariantCulture)}") ?? defaultValue.TotalSeconds,
    };

    /// <summary>A UTC instant: a date (midnight UTC) or an RFC 3339 time; <paramref name="required"/> or absent (null).</summary>
    public static Option<DateTimeOffset?> Instant(string name, string description, bool required) => new(name)
    {
        Description = description,
        HelpName = "YYYY-MM-DD",
        Required = required,
        CustomParser = result => Parse<DateTimeOffset>(result, ParseInstant, "must be a date like 2026-12-01 or a time like 2026-12-01T00:00:00Z"),
    };

    /// <summary>A price in USD per million tokens: a non-negative decimal, read exactly; absent (null) unless <paramref name="required"/>.</summary>
    public static Option<decimal?> Price(string name, string description, bool required) => new(name)
    {
        Description = description,
        HelpName = "USD",
        Required = required,
        CustomParser = result => Parse<decimal>(result,
            text => decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var usd) ? usd : null,
            "must be a decimal number of USD per million tokens, like 2.5"),
    };

    /// <summary>An amount of USD: a non-negative decimal, read exactly; absent (null) when not given.</summary>
    public static Option<decimal?> Usd(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "USD",
        CustomParser = result => Parse<decimal>(result,
            text => decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var usd) ? usd : null,
            "must be a decimal number of USD, like 25 or 0.5"),
    };

    /// <summary>A count of <paramref name="unit"/>: a non-negative whole number; absent (null) when not given.</summary>
    public static Option<long?> Count(string name, string description, string unit) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = result => Parse<long>(result,
            text => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null,
            $"must be a whole number of {unit}"),
    };

    /// <summary>A date (midnight UTC) or an RFC 3339 time with an offset, or null.</summary>
    public static DateTimeOffset? ParseInstant(string? text) =>
        ParseDay(text) is { } day ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
        : text is { Length: > 10 } && text.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var at) ? at
        : null;

    /// <summary>A day as YYYY-MM-DD, or null.</summary>
    public static DateOnly? ParseDay(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    private static T? Parse<T>(ArgumentResult result, Func<string, T?> parse, string expected) where T : struct
    {
        var text = result.Tokens.Single().Value;
        if (parse(text) is { } value)
        {
            return value;
        }

        result.AddError($"{NameOf(result)} {expected}, not '{Shorten(text)}'");
        return null;
    }

    private static string NameOf(ArgumentResult result) => (result.Parent as OptionResult)?.Option.Name ?? result.Argument.Name;

    /// <summary>A value quoted back in a message, cut to a readable length.</summary>
    public static string Shorten(string value) => value.Length > 60 ? value[..60] + "…" : value;
}
