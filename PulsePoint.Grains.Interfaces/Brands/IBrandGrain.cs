namespace PulsePoint.Brands;

/// <summary>
/// One brand of one tenant (key: the brand id, with the tenant id as key extension). Every query runs
/// under row-level security for the tenant in the key, and the silo's call filter admits only callers
/// of that tenant. Summaries are cached briefly in the grain and dropped on every write through it.
/// </summary>
/// <remarks>
/// Errors: <see cref="BrandNotFoundException"/> (no such brand for the caller's tenant — also for another
/// tenant's brand id), <see cref="InvalidBrandIdException"/>, <see cref="InvalidDateRangeException"/>,
/// <see cref="Tenancy.TenantInactiveException"/>, <see cref="Tenancy.TenantNotFoundException"/>,
/// <see cref="BrandNameTakenException"/>, <see cref="BrandStorageException"/>.
/// </remarks>
[Alias("PulsePoint.IBrandGrain")]
public interface IBrandGrain : Tenancy.ITenantScopedGrain
{
    /// <summary>Creates the brand with <paramref name="name"/>; if it exists already, returns it unchanged.</summary>
    /// <param name="name">Display name, 1–200 characters, unique within the tenant.</param>
    [Alias("Create")]
    Task<BrandInfo> CreateAsync(string name);

    /// <summary>Renames the brand.</summary>
    /// <param name="name">New display name, 1–200 characters, unique within the tenant.</param>
    [Alias("Rename")]
    Task<BrandInfo> RenameAsync(string name);

    /// <summary>Returns the brand's id and name.</summary>
    [Alias("Get")]
    Task<BrandInfo> GetAsync();

    /// <summary>
    /// Orders, revenue, ad spend, impressions, clicks and active campaigns for <paramref name="range"/>
    /// (served from the grain's short-lived cache when the same range was asked recently).
    /// </summary>
    [Alias("GetSummary")]
    Task<BrandSummary> GetSummaryAsync(DateRange range);

    /// <summary>Records one order; an order id recorded before is ignored (retries are safe).</summary>
    [Alias("RecordOrder")]
    Task RecordOrderAsync(BrandOrder order);

    /// <summary>Records up to <see cref="MaxBatch"/> orders in one transaction; returns how many were new.</summary>
    [Alias("RecordOrders")]
    Task<int> RecordOrdersAsync(IReadOnlyList<BrandOrder> orders);

    /// <summary>Records one day of one campaign's ad performance, replacing that day's earlier figures.</summary>
    [Alias("RecordAdPerformance")]
    Task RecordAdPerformanceAsync(AdPerformanceEntry entry);

    /// <summary>Records up to <see cref="MaxBatch"/> ad-performance days in one transaction.</summary>
    [Alias("RecordAdPerformanceBatch")]
    Task RecordAdPerformanceBatchAsync(IReadOnlyList<AdPerformanceEntry> entries);

    /// <summary>The largest batch the batch methods accept.</summary>
    public const int MaxBatch = 10_000;
}
