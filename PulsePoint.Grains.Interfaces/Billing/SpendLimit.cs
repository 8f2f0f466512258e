namespace PulsePoint.Billing;

/// <summary>
/// A hard limit on one scope's AI spend over one period. A reservation
/// (<see cref="ITenantBillingGrain.ReserveAsync"/>) is granted only when it fits in every limit that applies to it.
/// </summary>
/// <param name="Scope">Whose spend counts.</param>
/// <param name="Subject">
/// The user id, API key id or feature the limit is for; <see cref="EachSubject"/> sets the limit of every subject of the
/// scope that has none of its own; empty for <see cref="SpendScope.Tenant"/>.
/// </param>
/// <param name="Period">Day or month (a budget, in the tenant's time zone) or minute (a sliding rate limit).</param>
/// <param name="LimitUsd">The most USD the period may count; null: no USD limit.</param>
/// <param name="LimitTokens">The most tokens a minute may count (rate limits only); null: no token limit.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.SpendLimit")]
public sealed record SpendLimit(SpendScope Scope, string Subject, SpendPeriod Period, decimal? LimitUsd, long? LimitTokens = null)
{
    /// <summary>The subject that stands for every subject of a scope without a limit of its own.</summary>
    public const string EachSubject = "*";

    /// <summary>The longest subject: a user id's limit on events.</summary>
    public const int MaxSubjectLength = 128;

    /// <summary>The limit as people read it, e.g. <c>user alice: 5.00 USD per month</c>.</summary>
    public override string ToString()
    {
        var amounts = string.Join(" and ", new[]
        {
            LimitUsd is { } usd ? $"{Money.Format(usd)} USD" : null,
            LimitTokens is { } tokens ? $"{tokens} tokens" : null,
        }.Where(a => a is not null));
        var who = Scope == SpendScope.Tenant ? "tenant" : $"{SpendLimits.ScopeName(Scope)} {(Subject == EachSubject ? "(each)" : Subject)}";
        return $"{who}: {amounts} per {SpendLimits.PeriodName(Period)}";
    }
}
