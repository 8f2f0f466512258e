namespace PulsePoint.Billing;

/// <summary>The names and checks of <see cref="SpendLimit"/>s, shared by the grain, the CLI and the tests.</summary>
public static class SpendLimits
{
    /// <summary>The most limits one tenant may have, so one tenant cannot make its billing grain's every reservation slow.</summary>
    public const int MaxPerTenant = 1000;

    /// <summary>The scope's name in SQL, the CLI and alerts: tenant, user, api_key, feature.</summary>
    public static string ScopeName(SpendScope scope) => scope switch
    {
        SpendScope.Tenant => "tenant",
        SpendScope.User => "user",
        SpendScope.ApiKey => "api_key",
        SpendScope.Feature => "feature",
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "not a spend scope"),
    };

    /// <summary>The period's name in SQL, the CLI and alerts: day, month, minute.</summary>
    public static string PeriodName(SpendPeriod period) => period switch
    {
        SpendPeriod.Day => "day",
        SpendPeriod.Month => "month",
        SpendPeriod.Minute => "minute",
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "not a spend period"),
    };

    /// <summary>The scope named <paramref name="text"/> (see <see cref="ScopeName"/>).</summary>
    public static bool TryParseScope(string? text, out SpendScope scope)
    {
        foreach (var candidate in Enum.GetValues<SpendScope>())
        {
            if (string.Equals(ScopeName(candidate), text, StringComparison.Ordinal))
            {
                scope = candidate;
                return true;
            }
        }

        scope = default;
        return false;
    }

    /// <summary>The period named <paramref name="text"/> (see <see cref="PeriodName"/>).</summary>
    public static bool TryParsePeriod(string? text, out SpendPeriod period)
    {
        foreach (var candidate in Enum.GetValues<SpendPeriod>())
        {
            if (string.Equals(PeriodName(candidate), text, StringComparison.Ordinal))
            {
                period = candidate;
                return true;
            }
        }

        period = default;
        return false;
    }

    /// <summary>What is wrong with <paramref name="limit"/>, or null when it can be set.</summary>
    public static string? Problem(SpendLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        if (!Enum.IsDefined(limit.Scope))
        {
            return "the scope is not tenant, user, api_key or feature";
        }

        if (!Enum.IsDefined(limit.Period))
        {
            return "the period is not day, month or minute";
        }

        if (limit.Subject is null)
        {
            return "the subject is missing";
        }

        if (limit.Scope == SpendScope.Tenant ? limit.Subject.Length != 0 : SubjectProblem(limit.Subject) is not null)
        {
            return limit.Scope == SpendScope.Tenant
                ? "a tenant limit has no subject"
                : $"the subject {SubjectProblem(limit.Subject)}";
        }

        if (limit.LimitUsd is null && limit.LimitTokens is null)
        {
            return "a limit needs an amount in USD or in tokens";
        }

        if (limit.LimitUsd is { } usd && (usd < 0 || !Money.IsExact(usd)))
        {
            return $"the USD amount must be ≥ 0 with at most {Money.Decimals} decimal places";
        }

        if (limit.LimitTokens is { } tokens && tokens < 0)
        {
            return "the token amount must be ≥ 0";
        }

        if (limit.LimitTokens is not null && limit.Period != SpendPeriod.Minute)
        {
            return "tokens are limited per minute only; a day or month budget is in USD";
        }

        return null;
    }

    /// <summary>What is wrong with a user id, API key id or feature as a limit's subject, or null.</summary>
    public static string? SubjectProblem(string subject) =>
        subject.Length == 0 ? "is empty"
        : subject.Length > SpendLimit.MaxSubjectLength ? $"is longer than {SpendLimit.MaxSubjectLength} characters"
        : subject.Any(char.IsControl) ? "holds a control character"
        : null;
}
