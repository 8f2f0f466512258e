using Microsoft.Extensions.Options;
using PulsePoint.ApiKeys;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// <c>keys create</c>: a tenant's key (as the application role, under row-level security) or an operator's key (as the
/// owner role: the application role may not make one). The key goes to stdout alone, once; what it is goes to stderr.
/// Needs PostgreSQL only, not a running cluster: a new key id has no grain yet.
/// </summary>
public static class KeysCreateVerb
{
    public static async Task<int> RunAsync(KeysArguments args, TextWriter output, TextWriter errors)
    {
        var configuration = args.Configuration();
        var database = ValidatedOptions.Bind<DatabaseOptions>(configuration, DatabaseOptions.Section);
        await using var sources = new DataSources(Options.Create(database));
        var store = new ApiKeyStore(sources, VerbConfiguration.TenantDatabase(sources.Application, database), TimeProvider.System);
        ApiKeyInfo info;
        string key;
        if (args.Operator)
        {
            if (args.Scopes != ApiKeyScopes.None)
            {
                throw new ConfigurationErrorException("an operator's key has no scopes: it reaches the operator pages and admin endpoints");
            }

            if (string.IsNullOrWhiteSpace(database.Owner))
            {
                throw new ConfigurationErrorException("keys create --operator needs PulsePoint:Database:Owner (only the owner role creates operator keys)");
            }

            await using var owner = Npgsql.NpgsqlDataSource.Create(database.Owner);
            (info, key) = await store.CreateOperatorKeyAsync(owner, args.Name, args.ExpiresAt);
        }
        else
        {
            if (args.Scopes == ApiKeyScopes.None)
            {
                throw new ConfigurationErrorException("keys create --tenant needs --scopes (ingest, read, admin)");
            }

            try
            {
                (info, key) = await store.CreateTenantKeyAsync(args.Tenant!.Value, args.Scopes, args.Name, args.ExpiresAt);
            }
            catch (ArgumentException e)
            {
                throw new ConfigurationErrorException(e.Message);
            }
        }

        await output.WriteLineAsync(key);
        await errors.WriteLineAsync($"created {info.Key} ({Describe(info)}); the key above is shown this once: store it now");
        return 0;
    }

    internal static string Describe(ApiKeyInfo info) =>
        (info.Scopes == ApiKeyScopes.None ? "operator" : string.Join(",", ApiKeyScopeNames.Of(info.Scopes)))
        + (info.ExpiresAt is { } at ? $", expires {at:yyyy-MM-dd'T'HH:mm:ss'Z'}" : ", no expiry")
        + (info.Name is { } name ? $", '{name}'" : "");
}
