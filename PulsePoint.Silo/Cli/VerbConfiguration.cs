using System.CommandLine;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// The configuration every verb reads: <c>appsettings.json</c> beside the binary, environment variables
/// (<c>PulsePoint__Database__Application=…</c>), then the command line's settings, later ones winning. A setting is an
/// argument shaped <c>--Section:Key=Value</c>: it is no option of any verb, so the parser leaves it unmatched and it is
/// passed on here; any other unmatched argument is a usage error.
/// </summary>
public static class VerbConfiguration
{
    /// <summary>True when <paramref name="token"/> is a setting (<c>--Section:Key=Value</c>), not an option.</summary>
    public static bool IsSetting(string token)
    {
        if (!token.StartsWith("--", StringComparison.Ordinal))
        {
            return false;
        }

        var equals = token.IndexOf('=', StringComparison.Ordinal);
        var colon = token.IndexOf(':', StringComparison.Ordinal);
        return equals > 0 && colon > 2 && colon < equals;
    }

    /// <summary>The settings among the arguments, in their order.</summary>
    public static string[] Settings(ParseResult result) => result.UnmatchedTokens.Where(IsSetting).ToArray();

    /// <summary>The verb's configuration: the JSON file, the environment, then the settings given on the command line.</summary>
    public static IConfiguration From(ParseResult result) =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(Settings(result))
            .Build();

    /// <summary>The tenant-scoped helper over <paramref name="application"/>, signing with the configured tenant context key.</summary>
    /// <exception cref="ConfigurationErrorException">PulsePoint:Database:TenantContextKey is missing.</exception>
    public static TenantDatabase TenantDatabase(Npgsql.NpgsqlDataSource application, DatabaseOptions database) =>
        new(application, TenantContextSigner(database));

    /// <summary>The signer of the configured tenant context key.</summary>
    /// <exception cref="ConfigurationErrorException">PulsePoint:Database:TenantContextKey is missing or malformed.</exception>
    public static TenantContextSigner TenantContextSigner(DatabaseOptions database)
    {
        try
        {
            return Storage.TenantContextSigner.Create(database, TimeProvider.System);
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationErrorException(e.Message);
        }
    }
}
