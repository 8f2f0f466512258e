namespace PulsePoint.ApiKeys;

/// <summary>Whose key it is; the key's visible prefix says it (<see cref="ApiKeyId.Prefix"/>).</summary>
[GenerateSerializer, Alias("PulsePoint.ApiKeyKind")]
public enum ApiKeyKind
{
    /// <summary>A tenant's key (<c>pp_live_</c>): it acts for its tenant only, within its scopes.</summary>
    Tenant = 1,

    /// <summary>An operator's key (<c>pp_oper_</c>): the operator pages and the admin endpoints, for every tenant.</summary>
    Operator = 2,
}
