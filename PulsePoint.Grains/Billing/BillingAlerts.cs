using System.Globalization;
using PulsePoint.Alerts;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>
/// The alerts billing raises for a tenant's channels, each with an id derived from what it is about, so raising it
/// again (after a restart, on a retry) records and delivers nothing new. Amounts are exact decimal text.
/// </summary>
public static class BillingAlerts
{
    /// <summary>Most <c>cost.unpriced</c> alerts one tenant gets per UTC day; further unpriced models show in the counters only.</summary>
    public const int MaxUnpricedModelsPerDay = 20;

    /// <summary>The alert for a crossed threshold fraction; its id is the <c>cost.alert</c> event's.</summary>
    public static Alert Threshold(CostAlert alert) => new(
        alert.EventId,
        AlertKinds.CostThreshold,
        alert.Day,
        alert.Severity,
        alert.RaisedAt,
        CostAlertPolicy.Message(alert),
        EventAttributes.Of(
            ("spend_usd", Text(alert.SpendUsd)),
            ("threshold_usd", Text(alert.ThresholdUsd)),
            ("threshold_fraction", Text(alert.Fraction))),
        []);

    /// <summary>A reservation of <paramref name="estimateUsd"/> was denied: the budget is used up for <paramref name="day"/>.</summary>
    public static Alert BudgetExhausted(TenantId tenant, DateOnly day, int generation, decimal budgetUsd, decimal countedUsd, decimal estimateUsd, DateTimeOffset now) => new(
        DerivedEventId.Of($"pulsepoint/alert/budget.exhausted/{tenant}/{Day(day)}/{generation}"),
        AlertKinds.BudgetExhausted,
        day,
        EventSeverity.Error,
        now,
        $"Hard budget used up on {Day(day)} (UTC): {Money.Format(countedUsd)} USD of {Money.Format(budgetUsd)} USD counted; a reservation of {Money.Format(estimateUsd)} USD was denied",
        EventAttributes.Of(
            ("budget_usd", Text(budgetUsd)),
            ("counted_usd", Text(countedUsd)),
            ("remaining_usd", Text(Math.Max(budgetUsd - countedUsd, 0m))),
            ("denied_estimate_usd", Text(estimateUsd))),
        []);

    /// <summary>
    /// A reservation of <paramref name="estimateUsd"/> was denied by a day or month spend limit (<paramref name="denial"/>);
    /// raised once per limit, subject and period on <paramref name="day"/> (see <see cref="SpendExhaustedKey"/>).
    /// </summary>
    public static Alert SpendLimitExhausted(TenantId tenant, DateOnly day, int generation, SpendDenial denial, decimal estimateUsd, DateTimeOffset now)
    {
        var limit = denial.Limit;
        var budget = limit.LimitUsd ?? 0m;
        return new(
            DerivedEventId.Of($"pulsepoint/alert/budget.exhausted/{tenant}/{Day(day)}/{generation}/{SpendExhaustedKey(limit, denial.Status.PeriodStart)}"),
            AlertKinds.BudgetExhausted,
            day,
            EventSeverity.Error,
            now,
            $"Spend limit used up ({limit}, the {SpendLimits.PeriodName(limit.Period)} from {denial.Status.PeriodStart:yyyy-MM-dd HH:mm} UTC): "
                + $"{Money.Format(denial.Status.CountedUsd)} USD of {Money.Format(budget)} USD counted; a reservation of {Money.Format(estimateUsd)} USD was denied",
            EventAttributes.Of(
                ("scope", SpendLimits.ScopeName(limit.Scope)),
                ("subject", limit.Subject),
                ("period", SpendLimits.PeriodName(limit.Period)),
                ("period_start", denial.Status.PeriodStart.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)),
                ("budget_usd", Text(budget)),
                ("counted_usd", Text(denial.Status.CountedUsd)),
                ("remaining_usd", Text(Math.Max(budget - denial.Status.CountedUsd, 0m))),
                ("denied_estimate_usd", Text(estimateUsd))),
            []);
    }

    /// <summary>What makes a spend limit's <c>budget.exhausted</c> alert one alert: its scope, subject, period and the period's start.</summary>
    public static string SpendExhaustedKey(SpendLimit limit, DateTimeOffset periodStart) =>
        $"{SpendLimits.ScopeName(limit.Scope)}|{limit.Subject}|{SpendLimits.PeriodName(limit.Period)}|{periodStart.UtcTicks}";

    /// <summary>
    /// The key that makes model names one model for <c>cost.unpriced</c>: trimmed and lower-case, as the pricing catalog
    /// matches them (an event naming <c>GPT-X</c> and one naming <c>gpt-x</c> are unpriced for the same reason).
    /// </summary>
    public static string ModelKey(string model) => model.Trim().ToLowerInvariant();

    /// <summary>AI events of <paramref name="line"/>'s model could not be priced on <paramref name="day"/> (seen that day, whatever their timestamps).</summary>
    public static Alert Unpriced(TenantId tenant, DateOnly day, UsageLine line, DateTimeOffset now) => new(
        DerivedEventId.Of($"pulsepoint/alert/cost.unpriced/{tenant}/{Day(day)}/{ModelKey(line.Model)}"),
        AlertKinds.CostUnpriced,
        day,
        EventSeverity.Warning,
        now,
        $"Model '{line.Model}' has no price: its AI events on {Day(day)} (UTC) count tokens but no cost; add it to model_prices",
        EventAttributes.Of(
            ("model", line.Model),
            ("unpriced_events", line.UnpricedEvents.ToString(CultureInfo.InvariantCulture)),
            ("tokens", line.TotalTokens.ToString(CultureInfo.InvariantCulture))),
        []);

    /// <summary>
    /// <paramref name="resolves"/> no longer hold: <paramref name="reason"/> is <c>day_ended</c>, <c>threshold_raised</c>
    /// or <c>budget_raised</c>; <paramref name="generation"/> tells apart resolutions of one day.
    /// </summary>
    public static Alert Resolved(TenantId tenant, DateOnly day, string reason, int generation, IReadOnlyList<Guid> resolves, string summary, DateTimeOffset now) => new(
        DerivedEventId.Of($"pulsepoint/alert/alert.resolved/{tenant}/{Day(day)}/{reason}/{generation}"),
        AlertKinds.Resolved,
        day,
        EventSeverity.Info,
        now,
        summary,
        EventAttributes.Of(("reason", reason), ("resolved_count", resolves.Count.ToString(CultureInfo.InvariantCulture))),
        resolves);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // Exact (money has at most 12 places) and without the trailing zeros a numeric column gives back.
    private static string Text(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);
}
