namespace PulsePoint.Destinations;

/// <summary>Which analytics warehouse receives committed events (<c>PulsePoint:Destinations:Warehouse</c>).</summary>
public enum WarehouseDestinationKind
{
    /// <summary>An embedded DuckDB file: the default, one writing process per file.</summary>
    DuckDb = 0,

    /// <summary>Google BigQuery over REST, a dataset per tenant.</summary>
    BigQuery = 1,

    /// <summary>No warehouse: events stay in PostgreSQL (90 days) and the real-time bus only.</summary>
    None = 2,
}
