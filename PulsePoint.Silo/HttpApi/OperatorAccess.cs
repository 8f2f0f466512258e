namespace PulsePoint.Silo.HttpApi;

/// <summary>Who may open the operator pages (<c>/dashboard</c>, <c>/insights</c>, <c>/metrics</c>) and the admin endpoints (<c>PulsePoint:Http:OperatorAccess</c>).</summary>
public enum OperatorAccess
{
    /// <summary>
    /// Loopback clients only, without a credential for the pages (the local default); a request from any other address
    /// gets 403, also when the web host is bound to a public address to serve the HTTP API. The admin endpoints still need
    /// a key.
    /// </summary>
    Loopback = 0,

    /// <summary>
    /// From any address, with an API key: an operator's key for everything; a tenant's key with the <c>read</c> scope for
    /// its own tenant's <c>/insights</c> only (another tenant's answers 404, as for a tenant that does not exist).
    /// </summary>
    ApiKey = 1,

    /// <summary>
    /// From any address, with a bearer token (JWT) from the operator's identity provider (<c>PulsePoint:Http:Jwt</c>,
    /// <see cref="OperatorTokenOptions"/>) or an API key as with <see cref="ApiKey"/>: a token with the operator role for
    /// everything; a token naming a tenant for that tenant's <c>/insights</c> only. Keys stay accepted so that tenants'
    /// keys and scrapers keep working; an operator who wants people on the identity provider only revokes the operator keys.
    /// </summary>
    Jwt = 2,
}
