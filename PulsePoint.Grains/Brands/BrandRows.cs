using Npgsql;

namespace PulsePoint.Brands;

/// <summary>
/// Reads the rows of <see cref="BrandSql.Summary"/> and <see cref="BrandSql.CrossBrand"/>. The brand grains read
/// with these, and so do the load driver's twin grains that run the same SQL without RLS, so both sides of that
/// benchmark do the same work after the query.
/// </summary>
public static class BrandRows
{
    /// <summary>The summary row of <paramref name="brand"/>, or null when the query found no such brand.</summary>
    public static async Task<BrandSummary?> SummaryAsync(NpgsqlDataReader reader, Guid brand, DateRange range, CancellationToken ct) =>
        await reader.ReadAsync(ct)
            ? new BrandSummary(
                brand,
                reader.GetString(0),
                range,
                reader.GetInt64(1),
                reader.GetDecimal(2),
                reader.GetDecimal(3),
                reader.GetInt64(4),
                reader.GetInt64(5),
                reader.GetInt64(6))
            : null;

    /// <summary>Every brand's metrics, in the query's order (by revenue).</summary>
    public static async Task<IReadOnlyList<BrandMetrics>> CrossBrandAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var rows = new List<BrandMetrics>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new BrandMetrics(
                reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), reader.GetDecimal(3), reader.GetInt64(4), reader.GetDecimal(5)));
        }

        return rows;
    }
}
