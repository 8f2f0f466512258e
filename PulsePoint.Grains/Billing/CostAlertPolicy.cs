using System.Globalization;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>Which threshold fractions a day's spend has crossed, and the <c>cost.alert</c> event for each.</summary>
public static class CostAlertPolicy
{
    /// <summary>
    /// The fractions of <paramref name="thresholdUsd"/> that <paramref name="spendUsd"/> has reached and
    /// that are not in <paramref name="alreadyRaised"/>, ascending. No spend raises nothing, even with a zero threshold.
    /// </summary>
    public static IReadOnlyList<decimal> NewlyCrossed(IReadOnlyList<decimal> fractions, decimal thresholdUsd, decimal spendUsd, IEnumerable<decimal> alreadyRaised)
    {
        if (spendUsd <= 0)
        {
            return [];
        }

        var raised = alreadyRaised.ToHashSet();
        return fractions.Where(f => spendUsd >= f * thresholdUsd && !raised.Contains(f)).Order().ToArray();
    }

    /// <summary>WARNING below the whole threshold, ERROR at 100 % and above.</summary>
    public static EventSeverity SeverityOf(decimal fraction) => fraction >= 1m ? EventSeverity.Error : EventSeverity.Warning;

    /// <summary>
    /// The alert's event id, derived from tenant, day and fraction (SHA-256, RFC 9562 version 8): a
    /// re-sent alert has the same id, so the event sink stores it once.
    /// </summary>
    public static Guid EventIdOf(TenantId tenant, DateOnly day, decimal fraction, int generation = 0)
    {
        var name = string.Create(CultureInfo.InvariantCulture,
            $"pulsepoint/cost.alert/{tenant}/{day:yyyy-MM-dd}/{fraction.ToString("0.######", CultureInfo.InvariantCulture)}");
        // A fraction raised again the same day, after a raised threshold resolved it, is a new alert.
        return DerivedEventId.Of(generation == 0 ? name : string.Create(CultureInfo.InvariantCulture, $"{name}/{generation}"));
    }

    /// <summary>The attribute names a <c>cost.alert</c> event carries its figures under (USD amounts as exact decimal text).</summary>
    public const string SpendAttribute = "cost.spend_usd";

    /// <inheritdoc cref="SpendAttribute"/>
    public const string ThresholdAttribute = "cost.threshold_usd";

    /// <inheritdoc cref="SpendAttribute"/>
    public const string FractionAttribute = "cost.threshold_fraction";

    /// <summary>
    /// The BILLING <c>cost.alert</c> event for <paramref name="alert"/>. It reports a level of spend, which is
    /// not spend: the figures go in its attributes, never in <see cref="StructuredEvent.CostUsd"/>, which cost
    /// reports sum.
    /// </summary>
    public static StructuredEvent ToEvent(TenantId tenant, CostAlert alert) => new()
    {
        EventId = alert.EventId,
        TenantId = tenant,
        Category = EventCategory.Billing,
        EventType = EventTypes.CostAlert,
        Severity = alert.Severity,
        Status = EventStatus.Success,
        Timestamp = alert.RaisedAt,
        ErrorCode = string.Create(CultureInfo.InvariantCulture, $"cost_threshold_{alert.Fraction * 100:0.##}pct"),
        ErrorMessage = Message(alert),
        Attributes = EventAttributes.Of(
            (SpendAttribute, alert.SpendUsd.ToString(CultureInfo.InvariantCulture)),
            (ThresholdAttribute, alert.ThresholdUsd.ToString(CultureInfo.InvariantCulture)),
            (FractionAttribute, alert.Fraction.ToString(CultureInfo.InvariantCulture))),
    };

    /// <summary>The alert's sentence: the day's spend, the fraction and the threshold.</summary>
    public static string Message(CostAlert alert) => string.Create(CultureInfo.InvariantCulture,
        $"AI spend on {alert.Day:yyyy-MM-dd} (UTC) reached {Money.Format(alert.SpendUsd)} USD, {alert.Fraction * 100:0.##}% of the daily threshold of {Money.Format(alert.ThresholdUsd)} USD");
}
