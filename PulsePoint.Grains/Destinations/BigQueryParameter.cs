using System.Globalization;

namespace PulsePoint.Destinations;

/// <summary>A named query parameter (<c>@name</c> in GoogleSQL), sent as <c>queryParameters</c>: values are never spliced into SQL.</summary>
public sealed record BigQueryParameter(string Name, string Type, string? Value)
{
    /// <summary>A STRING parameter.</summary>
    public static BigQueryParameter String(string name, string? value) => new(name, "STRING", value);

    /// <summary>An INT64 parameter.</summary>
    public static BigQueryParameter Int64(string name, long value) => new(name, "INT64", value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A FLOAT64 parameter.</summary>
    public static BigQueryParameter Float64(string name, double value) => new(name, "FLOAT64", value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>A BOOL parameter.</summary>
    public static BigQueryParameter Bool(string name, bool value) => new(name, "BOOL", value ? "true" : "false");

    /// <summary>A TIMESTAMP parameter (UTC, microseconds).</summary>
    public static BigQueryParameter Timestamp(string name, DateTimeOffset value) => new(name, "TIMESTAMP", EventJson.Timestamp(value));
}
