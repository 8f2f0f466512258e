namespace PulsePoint.ApiKeys;

/// <summary>What a tenant's key may do. Wire names: <c>ingest</c>, <c>read</c>, <c>admin</c> (<see cref="ApiKeyScopeNames"/>).</summary>
[Flags, GenerateSerializer, Alias("PulsePoint.ApiKeyScopes")]
public enum ApiKeyScopes
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary><c>ingest</c>: send events and OTLP traces.</summary>
    Ingest = 1,

    /// <summary><c>read</c>: read the tenant's own insights.</summary>
    Read = 2,

    /// <summary><c>admin</c>: manage the tenant's own keys.</summary>
    Admin = 4,
}
