namespace PulsePoint.Brands;

/// <summary>
/// Metrics across all brands of one tenant (key: the tenant id). Queries run under row-level security
/// for the tenant in the key; the silo's call filter admits only callers of that tenant.
/// </summary>
[Alias("PulsePoint.IBrandMetricsGrain")]
public interface IBrandMetricsGrain : Tenancy.ITenantKeyedGrain
{
    /// <summary>
    /// Per brand: orders, revenue, active campaigns and ad spend in <paramref name="range"/>, highest
    /// revenue first. Brands without activity are included with zeros.
    /// </summary>
    /// <remarks>Deliberately not [ReadOnly]: read-only calls interleave, and an unbounded number of concurrent aggregates would exhaust the connection pool.</remarks>
    [Alias("GetCrossBrandMetrics")]
    Task<IReadOnlyList<BrandMetrics>> GetCrossBrandMetricsAsync(DateRange range);
}
