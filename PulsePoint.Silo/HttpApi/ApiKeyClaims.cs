using System.Security.Claims;
using PulsePoint.ApiKeys;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.HttpApi;

/// <summary>The claims an accepted API key (or operator token, <see cref="OperatorTokens"/>) gives a request, and how endpoints read them back.</summary>
public static class ApiKeyClaims
{
    /// <summary>The authentication scheme: <c>Authorization: Bearer pp_live_…</c>.</summary>
    public const string Scheme = "PulsePointApiKey";

    public const string KeyId = "pulsepoint:key_id";

    public const string Tenant = "pulsepoint:tenant";

    public const string Scope = "pulsepoint:scope";

    public const string Kind = "pulsepoint:kind";

    /// <summary>The identity of an accepted key.</summary>
    public static ClaimsPrincipal Principal(ApiKeyGrant grant) =>
        Principal(grant.Key.ToString(), grant.Tenant, grant.Scopes, Scheme, grant.Key.Kind == ApiKeyKind.Operator);

    /// <summary>
    /// The identity of an accepted credential, named by <paramref name="keyId"/> (what the rate limits are partitioned by):
    /// an operator's when <paramref name="tenant"/> is null, otherwise that tenant's with <paramref name="scopes"/>.
    /// </summary>
    public static ClaimsPrincipal Principal(string keyId, TenantId? tenant, ApiKeyScopes scopes, string authenticationType) =>
        Principal(keyId, tenant, scopes, authenticationType, tenant is null);

    /// <summary>An authenticated identity that may do nothing: a valid operator token without the operator role (403).</summary>
    public static ClaimsPrincipal Nobody(string keyId, string authenticationType) =>
        new(new ClaimsIdentity([new Claim(KeyId, keyId)], authenticationType, KeyId, null));

    private static ClaimsPrincipal Principal(string keyId, TenantId? tenant, ApiKeyScopes scopes, string authenticationType, bool isOperator)
    {
        var claims = new List<Claim>
        {
            new(KeyId, keyId),
            new(Kind, isOperator ? "operator" : "tenant"),
        };
        if (tenant is { } id)
        {
            claims.Add(new Claim(Tenant, id.ToString()));
        }

        claims.AddRange(ApiKeyScopeNames.Of(scopes).Select(s => new Claim(Scope, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, KeyId, null));
    }

    /// <summary>The tenant of the request's key; null for an operator's key or no key.</summary>
    public static TenantId? TenantOf(ClaimsPrincipal user) =>
        TenantId.TryParse(user.FindFirst(Tenant)?.Value, out var tenant) ? tenant : null;

    /// <summary>The tenant of a request the ingest policy let in: always a tenant's key.</summary>
    public static TenantId IngestTenantOf(ClaimsPrincipal user) =>
        TenantOf(user) ?? throw new InvalidOperationException("The ingest policy admits tenant keys only.");

    /// <summary>The public id of the request's key (what the rate limits are partitioned by).</summary>
    public static string? KeyIdOf(ClaimsPrincipal user) => user.FindFirst(KeyId)?.Value;

    /// <summary>True for an operator's key.</summary>
    public static bool IsOperator(ClaimsPrincipal user) => user.HasClaim(Kind, "operator");

    /// <summary>True for a tenant's key with <paramref name="scope"/>.</summary>
    public static bool HasScope(ClaimsPrincipal user, ApiKeyScopes scope) =>
        user.HasClaim(Kind, "tenant") && ApiKeyScopeNames.Of(scope).All(name => user.HasClaim(Scope, name));
}
