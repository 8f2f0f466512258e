using System.Globalization;

namespace PulsePoint.Destinations;

/// <summary>
/// A query's rows, every page read. Values are BigQuery's JSON cell text (<c>v</c>): numbers, timestamps
/// (seconds since the epoch as text) and strings alike, null for NULL; a repeated or nested cell is its raw JSON.
/// <see cref="Types"/> holds each column's schema type as the REST API names it (legacy names such as
/// <c>INTEGER</c>/<c>FLOAT</c>/<c>BOOLEAN</c> or the GoogleSQL ones); the typed getters check it before converting.
/// </summary>
public sealed record BigQueryQueryResult(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows, IReadOnlyList<string> Types)
{
    /// <summary>The index of <paramref name="column"/>.</summary>
    public int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i] == column)
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"The query result has no column '{column}'.");
    }

    /// <summary>An INT64 (<c>INTEGER</c>) cell, null for NULL.</summary>
    /// <exception cref="FormatException">The column is of another type, or the cell is not an integer.</exception>
    public long? GetInt64(int row, string column) =>
        Cell(row, column, ["INT64", "INTEGER"]) is { } v ? long.Parse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : null;

    /// <summary>A FLOAT64 (<c>FLOAT</c>) cell, null for NULL; <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> as BigQuery writes them.</summary>
    /// <exception cref="FormatException">The column is of another type, or the cell is not a number.</exception>
    public double? GetFloat64(int row, string column) =>
        Cell(row, column, ["FLOAT64", "FLOAT"]) is { } v ? double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture) : null;

    /// <summary>A NUMERIC or BIGNUMERIC cell (exact decimal; money is BIGNUMERIC, 12 places), null for NULL.</summary>
    /// <exception cref="FormatException">The column is of another type, or the cell is not a decimal number.</exception>
    public decimal? GetNumeric(int row, string column) =>
        Cell(row, column, ["NUMERIC", "BIGNUMERIC"]) is { } v ? decimal.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture) : null;

    /// <summary>A DATE cell (<c>yyyy-MM-dd</c>), null for NULL.</summary>
    /// <exception cref="FormatException">The column is of another type, or the cell is not a date.</exception>
    public DateOnly? GetDate(int row, string column) =>
        Cell(row, column, ["DATE"]) is { } v ? DateOnly.ParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null;

    /// <summary>A STRING cell, null for NULL.</summary>
    /// <exception cref="FormatException">The column is of another type.</exception>
    public string? GetString(int row, string column) => Cell(row, column, ["STRING"]);

    private string? Cell(int row, string column, string[] accepted)
    {
        var index = IndexOf(column);
        var type = index < Types.Count ? Types[index] : "";
        if (!accepted.Contains(type, StringComparer.Ordinal))
        {
            throw new FormatException($"The query result's column '{column}' is {(type.Length == 0 ? "untyped" : type)}, not {accepted[0]}.");
        }

        var cells = Rows[row];
        return index < cells.Count ? cells[index] : null;
    }
}
