using PulsePoint.Tenancy;

namespace PulsePoint.ApiKeys;

/// <summary>An API key as listed: everything but its secret, which is never stored.</summary>
/// <param name="Key">The public id.</param>
/// <param name="Tenant">The tenant of a tenant's key; null for an operator's key.</param>
/// <param name="Name">An optional label given at creation.</param>
/// <param name="Scopes">A tenant key's scopes.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ExpiresAt">When it stops working, if it expires.</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
/// <param name="LastUsedAt">When it was last accepted, kept coarsely (written at most once per <c>PulsePoint:ApiKeys:LastUsedWritePeriod</c>).</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.ApiKeyInfo")]
public sealed record ApiKeyInfo(
    ApiKeyId Key,
    TenantId? Tenant,
    string? Name,
    ApiKeyScopes Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt)
{
    /// <summary>True when the key would be accepted at <paramref name="now"/> (not revoked, not expired).</summary>
    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || now < ExpiresAt);
}
