using PulsePoint.Tenancy;

namespace PulsePoint.Analytics;

/// <summary>One report's answer for one tenant and range; <see cref="Outcome"/> says why <see cref="Rows"/> may be empty.</summary>
/// <typeparam name="TRow">The report's row type.</typeparam>
/// <param name="Tenant">The tenant the report is about.</param>
/// <param name="Range">The range it covers.</param>
/// <param name="Outcome">Rows, no events, or unknown tenant.</param>
/// <param name="Rows">The rows, in the report's documented order.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.AnalyticsAnswer`1")]
public sealed record AnalyticsAnswer<TRow>(TenantId Tenant, AnalyticsRange Range, AnalyticsOutcome Outcome, IReadOnlyList<TRow> Rows)
{
    /// <summary>A sentence for people when there are no rows; null when there are.</summary>
    public string? Explanation => Outcome switch
    {
        AnalyticsOutcome.UnknownTenant => $"no tenant has the id {Tenant}",
        AnalyticsOutcome.NoEvents => $"tenant {Tenant} has no matching events in {Range}",
        _ => null,
    };
}
