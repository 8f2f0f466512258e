namespace PulsePoint.Billing;

/// <summary>
/// A reservation as the spend limits see it: when it was made, for whom, and its amount (the estimate while held, the
/// actual cost and tokens once committed).
/// </summary>
[GenerateSerializer, Immutable, Alias("PulsePoint.SpendHold")]
public sealed record SpendHold(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string? UserId,
    [property: Id(2)] string? ApiKeyId,
    [property: Id(3)] string? Feature,
    [property: Id(4)] decimal AmountUsd,
    [property: Id(5)] long Tokens,
    [property: Id(6)] DateTimeOffset ExpiresAt,
    [property: Id(7)] DateTimeOffset? CommittedAt)
{
    /// <summary>Counts against the limits: committed, or held and not expired.</summary>
    public bool IsLive(DateTimeOffset now) => CommittedAt is not null || ExpiresAt > now;

    /// <summary>True when the reservation was made for <paramref name="subject"/> of <paramref name="scope"/>.</summary>
    public bool IsFor(SpendScope scope, string subject) => SpendBook.IsFor(scope, subject, UserId, ApiKeyId, Feature);
}
