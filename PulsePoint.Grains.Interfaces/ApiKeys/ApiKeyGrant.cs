using PulsePoint.Tenancy;

namespace PulsePoint.ApiKeys;

/// <summary>What a verified API key may do.</summary>
/// <param name="Key">The key's public id.</param>
/// <param name="Tenant">The tenant a tenant's key acts for; null for an operator's key.</param>
/// <param name="Scopes">A tenant key's scopes; <see cref="ApiKeyScopes.None"/> for an operator's key, which is operator-wide.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.ApiKeyGrant")]
public sealed record ApiKeyGrant(ApiKeyId Key, TenantId? Tenant, ApiKeyScopes Scopes);
