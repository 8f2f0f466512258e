namespace PulsePoint.Silo.HttpApi;

/// <summary>Who may open the operator pages (<c>/dashboard</c>, <c>/insights</c>) and the admin endpoints (<c>PulsePoint:Http:OperatorAccess</c>).</summary>
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
}
