namespace PulsePoint.Destinations;

/// <summary>
/// A query's rows, every page read. Values are BigQuery's JSON cell text (<c>v</c>): numbers, timestamps
/// (seconds since the epoch as text) and strings alike, null for NULL; a repeated or nested cell is its raw JSON.
/// </summary>
public sealed record BigQueryQueryResult(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows)
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
}
