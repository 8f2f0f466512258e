using Orleans.Concurrency;
using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>A tenant's usage report from the billing ledger (key: the tenant id); stateless, read under the tenant's row-level security.</summary>
[Alias("PulsePoint.IUsageReportGrain")]
public interface IUsageReportGrain : ITenantKeyedGrain
{
    /// <summary>Tokens and cost per UTC day and model, <paramref name="from"/> to <paramref name="to"/> inclusive (at most 366 days).</summary>
    /// <exception cref="ArgumentException">The range ends before it starts, or is longer than 366 days.</exception>
    [ReadOnly, Alias("GetUsageReport")]
    Task<UsageReport> GetUsageReportAsync(DateOnly from, DateOnly to);
}
