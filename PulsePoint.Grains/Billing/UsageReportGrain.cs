using Orleans.Concurrency;
using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>Reads a tenant's usage report from the ledger; stateless, so reports run beside the tenant's billing grain, not through it.</summary>
[StatelessWorker]
internal sealed class UsageReportGrain(UsageLedger usageLedger) : Grain, IUsageReportGrain
{
    async Task<UsageReport> IUsageReportGrain.GetUsageReportAsync(DateOnly from, DateOnly to) =>
        new(from, to, await usageLedger.ReadDaysAsync(new TenantId(this.GetPrimaryKey()), from, to));
}
