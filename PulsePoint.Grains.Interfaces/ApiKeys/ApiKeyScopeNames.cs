namespace PulsePoint.ApiKeys;

/// <summary>The wire names of <see cref="ApiKeyScopes"/>, as stored in PostgreSQL and written on the CLI and HTTP.</summary>
public static class ApiKeyScopeNames
{
    private static readonly (ApiKeyScopes Scope, string Name)[] Names =
        [(ApiKeyScopes.Ingest, "ingest"), (ApiKeyScopes.Read, "read"), (ApiKeyScopes.Admin, "admin")];

    /// <summary>The names of the scopes set in <paramref name="scopes"/>, in a fixed order.</summary>
    public static string[] Of(ApiKeyScopes scopes) => Names.Where(n => scopes.HasFlag(n.Scope)).Select(n => n.Name).ToArray();

    /// <summary>Parses scope names (e.g. <c>ingest</c>, <c>read</c>); false when one is unknown or none is given.</summary>
    public static bool TryParse(IEnumerable<string> names, out ApiKeyScopes scopes)
    {
        scopes = ApiKeyScopes.None;
        foreach (var name in names)
        {
            var known = Names.Where(n => n.Name == name.Trim()).Select(n => (ApiKeyScopes?)n.Scope).FirstOrDefault();
            if (known is null)
            {
                scopes = ApiKeyScopes.None;
                return false;
            }

            scopes |= known.Value;
        }

        return scopes != ApiKeyScopes.None;
    }
}
