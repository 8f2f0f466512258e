using System.Globalization;
using PulsePoint.ApiKeys;
using PulsePoint.Silo.Hosting;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// The options of the <c>keys</c> verbs, checked apart from running them: <c>--tenant ID</c> or <c>--operator</c>,
/// <c>--scopes a,b</c>, <c>--expires DATE</c>, <c>--name TEXT</c>, <c>--key ID</c>, and the settings
/// (<c>--Section:Key=Value</c>) passed on to the configuration.
/// </summary>
public sealed record KeysArguments(
    TenantId? Tenant, bool Operator, ApiKeyScopes Scopes, DateTimeOffset? ExpiresAt, string? Name, string? Key, string[] Settings)
{
    /// <summary>Checks and converts the options as given (null: not given); <paramref name="settings"/> are the <c>--Section:Key=Value</c> arguments.</summary>
    /// <exception cref="ConfigurationErrorException">A value is bad, or neither or both of --tenant and --operator are given.</exception>
    public static KeysArguments Of(
        string? tenantText, bool isOperator, string? scopeText, string? expiresText, string? name, string? key, string[] settings)
    {
        TenantId? tenant = null;
        if (tenantText is not null)
        {
            tenant = TenantId.TryParse(tenantText, out var id) ? id : throw new ConfigurationErrorException("--tenant must be a tenant id (a canonical UUID)");
        }

        if (isOperator == tenant.HasValue)
        {
            throw new ConfigurationErrorException("give either --tenant ID (a tenant's keys) or --operator (operator keys)");
        }

        var scopes = ApiKeyScopes.None;
        if (scopeText is not null && !ApiKeyScopeNames.TryParse(scopeText.Split(','), out scopes))
        {
            throw new ConfigurationErrorException("--scopes must list one or more of ingest, read, admin, separated by commas");
        }

        DateTimeOffset? expires = null;
        if (expiresText is not null)
        {
            expires = DateOnly.TryParseExact(expiresText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
                : DateTimeOffset.TryParse(expiresText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                    ? at.ToUniversalTime()
                    : throw new ConfigurationErrorException("--expires must be a date (YYYY-MM-DD, the key stops at its start, UTC) or an RFC 3339 time");
        }

        return new KeysArguments(tenant, isOperator, scopes, expires, name, key, settings);
    }

    /// <summary>Configuration as every verb reads it: appsettings.json, the environment, then the settings given.</summary>
    public IConfiguration Configuration() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .AddCommandLine(Settings)
        .Build();
}
