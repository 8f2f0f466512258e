using System.Security.Claims;
using PulsePoint.ApiKeys;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.HttpApi;

/// <summary>The claims an accepted API key gives a request, and how endpoints read them back.</summary>
public static class ApiKeyClaims
{
    /// <summary>The authentication scheme: <c>Authorization: Bearer pp_live_…</c>.</summary>
    public const string Scheme = "PulsePointApiKey";

    public const string KeyId = "pulsepoint:key_id";

    public const string Tenant = "pulsepoint:tenant";

    public const string Scope = "pulsepoint:scope";

    public const string Kind = "pulsepoint:kind";

    /// <summary>The identity of an accepted key.</summary>
    public static ClaimsPrincipal Principal(ApiKeyGrant grant)
    {
        var claims = new List<Claim>
        {
            new(KeyId, grant.Key.ToString()),
            new(Kind, grant.Key.Kind == ApiKeyKind.Operator ? "operator" : "tenant"),
        };
        if (grant.Tenant is { } tenant)
        {
            claims.Add(new Claim(Tenant, tenant.ToString()));
        }

        claims.AddRange(ApiKeyScopeNames.Of(grant.Scopes).Select(s => new Claim(Scope, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, KeyId, null));
    }

    /// <summary>The tenant of the request's key; null for an operator's key or no key.</summary>
    public static TenantId? TenantOf(ClaimsPrincipal user) =>
        TenantId.TryParse(user.FindFirst(Tenant)?.Value, out var tenant) ? tenant : null;

    /// <summary>The public id of the request's key (what the rate limits are partitioned by).</summary>
    public static string? KeyIdOf(ClaimsPrincipal user) => user.FindFirst(KeyId)?.Value;

    /// <summary>True for an operator's key.</summary>
    public static bool IsOperator(ClaimsPrincipal user) => user.HasClaim(Kind, "operator");

    /// <summary>True for a tenant's key with <paramref name="scope"/>.</summary>
    public static bool HasScope(ClaimsPrincipal user, ApiKeyScopes scope) =>
        user.HasClaim(Kind, "tenant") && ApiKeyScopeNames.Of(scope).All(name => user.HasClaim(Scope, name));
}
