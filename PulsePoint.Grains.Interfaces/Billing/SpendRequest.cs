namespace PulsePoint.Billing;

/// <summary>
/// What an AI call is about to spend, and on whose behalf: the reservation is checked against the tenant's limits and the
/// limits of the named user, API key and feature (see <see cref="SpendLimit"/>).
/// </summary>
/// <param name="EstimatedCostUsd">The call's estimated cost.</param>
/// <param name="EstimatedTokens">The call's estimated tokens, for per-minute token limits.</param>
/// <param name="UserId">The end user the call is for (the <c>user_id</c> its AI event will carry); null: none.</param>
/// <param name="ApiKeyId">The API key the call's event will be sent with (its <c>api_key_id</c> attribute); null: none.</param>
/// <param name="Feature">The feature of the product making the call (its event's <c>feature</c> attribute); null: none.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.SpendRequest")]
public sealed record SpendRequest(
    decimal EstimatedCostUsd,
    long EstimatedTokens = 0,
    string? UserId = null,
    string? ApiKeyId = null,
    string? Feature = null);
