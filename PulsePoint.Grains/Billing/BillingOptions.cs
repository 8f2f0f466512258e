using System.ComponentModel.DataAnnotations;

namespace PulsePoint.Billing;

/// <summary>Billing and cost control (section <c>PulsePoint:Billing</c>).</summary>
public sealed class BillingOptions : IValidatableObject
{
    public const string Section = "PulsePoint:Billing";

    /// <summary>Daily cost-alert threshold for tenants whose <c>tenants.daily_cost_threshold_usd</c> is null.</summary>
    [Range(typeof(decimal), "0", "1000000000", ErrorMessage = "PulsePoint:Billing:DefaultDailyThresholdUsd must be between 0 and 1e9")]
    public decimal DefaultDailyThresholdUsd { get; set; } = 1000m;

    /// <summary>
    /// Fractions of the daily threshold that raise an alert when crossed, once each per UTC day; 1.0 and
    /// above raise an ERROR, the rest a WARNING. Empty: 0.5, 0.8, 1.0. (Get-only: the binder fills it.)
    /// </summary>
    public List<decimal> AlertFractions { get; } = [];

    /// <summary>How long an unsettled budget reservation holds budget.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00", ErrorMessage = "PulsePoint:Billing:ReservationTimeout must be between 50 ms and 1 day")]
    public TimeSpan ReservationTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the pricing catalog is cached before <c>model_prices</c> is read again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "PulsePoint:Billing:PricingRefreshPeriod must be between 0 and 1 day")]
    public TimeSpan PricingRefreshPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often an active billing grain rebuilds its counters from the ledger. A batch whose commit the sink
    /// could not confirm (PostgreSQL went away during the commit) is in the ledger but was never handed to the
    /// grain; the rebuild counts it, for the counters, alerts and budget alike.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "PulsePoint:Billing:CounterReloadPeriod must be between 1 s and 1 day")]
    public TimeSpan CounterReloadPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Prices that override the shipped file (and are overridden by the <c>model_prices</c> table).</summary>
    public List<ModelPriceSetting> Pricing { get; } = [];

    /// <summary>The alert fractions in force: the configured ones, or 0.5, 0.8, 1.0; ascending and distinct.</summary>
    public IReadOnlyList<decimal> EffectiveAlertFractions =>
        (AlertFractions.Count == 0 ? [0.5m, 0.8m, 1.0m] : AlertFractions).Distinct().Order().ToArray();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AlertFractions.Any(f => f <= 0 || f > 10))
        {
            yield return new ValidationResult("PulsePoint:Billing:AlertFractions must each be in (0, 10], e.g. 0.5, 0.8, 1.0");
        }

        for (var i = 0; i < Pricing.Count; i++)
        {
            if (Pricing[i].Problem() is { } problem)
            {
                yield return new ValidationResult($"PulsePoint:Billing:Pricing:{i}: {problem}");
            }
        }
    }
}
