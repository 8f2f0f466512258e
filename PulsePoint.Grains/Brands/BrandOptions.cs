using System.ComponentModel.DataAnnotations;

namespace PulsePoint.Brands;

/// <summary>Brand grain behaviour (section <c>PulsePoint:Brands</c>).</summary>
public sealed class BrandOptions
{
    public const string Section = "PulsePoint:Brands";

    /// <summary>
    /// How long a brand summary is served from the grain's memory. Short: writes through the grain drop
    /// the cache at once, but rows loaded out of band (seed-demo, the pipeline) show up only after this.
    /// Zero disables the cache (benchmarks measure SQL, not memory).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "PulsePoint:Brands:SummaryCacheTtl must be between 0 and 1 hour")]
    public TimeSpan SummaryCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most date ranges cached per brand; the oldest entry goes first.</summary>
    [Range(1, 10_000, ErrorMessage = "PulsePoint:Brands:SummaryCacheCapacity must be between 1 and 10000")]
    public int SummaryCacheCapacity { get; set; } = 32;

    /// <summary>
    /// Most brand queries and writes running at once on one silo (across all tenants). A bulkhead: a burst
    /// of brand analytics waits here instead of exhausting the connection pool the tenant grains need too.
    /// </summary>
    [Range(1, 1_000, ErrorMessage = "PulsePoint:Brands:MaxConcurrentQueries must be between 1 and 1000")]
    public int MaxConcurrentQueries { get; set; } = 32;
}
