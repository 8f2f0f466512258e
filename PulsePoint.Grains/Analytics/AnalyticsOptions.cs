using System.ComponentModel.DataAnnotations;

namespace PulsePoint.Analytics;

/// <summary>
/// The daily cost threshold used when a tenant has none of its own (<c>tenants.daily_cost_threshold_usd</c> is null);
/// bound from <c>PulsePoint:Billing</c>, the section billing reads it from too.
/// </summary>
public sealed class AnalyticsOptions
{
    public const string BillingSection = "PulsePoint:Billing";

    /// <summary>Default daily threshold in USD (<c>PulsePoint:Billing:DefaultDailyThresholdUsd</c>).</summary>
    [Range(typeof(decimal), "0", "1000000000", ErrorMessage = "PulsePoint:Billing:DefaultDailyThresholdUsd must be between 0 and 1e9")]
    public decimal DefaultDailyThresholdUsd { get; set; } = 1000m;
}
