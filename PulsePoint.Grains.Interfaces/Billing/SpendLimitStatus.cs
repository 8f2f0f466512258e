namespace PulsePoint.Billing;

/// <summary>One limit as it stands for one subject.</summary>
/// <param name="Limit">The limit (for a limit set for each subject: with <paramref name="Subject"/> in its place).</param>
/// <param name="Subject">Whose spend is counted: the tenant (empty), a user id, an API key id or a feature.</param>
/// <param name="PeriodStart">Where the day or month began (in UTC), or the start of the sliding minute.</param>
/// <param name="CountedUsd">What the limit counts as spent or held in the period.</param>
/// <param name="CountedTokens">The tokens a minute limit counts; 0 for budgets.</param>
/// <param name="RemainingUsd">USD left; null without a USD limit.</param>
/// <param name="RemainingTokens">Tokens left this minute; null without a token limit.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.SpendLimitStatus")]
public sealed record SpendLimitStatus(
    SpendLimit Limit,
    string Subject,
    DateTimeOffset PeriodStart,
    decimal CountedUsd,
    long CountedTokens,
    decimal? RemainingUsd,
    long? RemainingTokens);
