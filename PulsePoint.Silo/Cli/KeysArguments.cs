using System.Globalization;
using PulsePoint.ApiKeys;
using PulsePoint.Silo.Hosting;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// The options of the <c>keys</c> verbs, parsed apart from running them: <c>--tenant ID</c> or <c>--operator</c>,
/// <c>--scopes a,b</c>, <c>--expires DATE</c>, <c>--name TEXT</c>, <c>--key ID</c>. Every other argument
/// (<c>--PulsePoint:Section:Key=Value</c>) is a setting and is passed on as given.
/// </summary>
public sealed record KeysArguments(
    TenantId? Tenant, bool Operator, ApiKeyScopes Scopes, DateTimeOffset? ExpiresAt, string? Name, string? Key, string[] Settings)
{
    /// <summary>Parses <paramref name="args"/> (after the verb).</summary>
    /// <exception cref="ConfigurationErrorException">An option is unknown, misses its value or has a bad one.</exception>
    public static KeysArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var settings = new List<string>();
        var isOperator = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--operator")
            {
                isOperator = true;
            }
            else if (arg is "--tenant" or "--scopes" or "--expires" or "--name" or "--key")
            {
                values[arg[2..]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                    ? args[++i]
                    : throw new ConfigurationErrorException($"{arg} needs a value");
            }
            else if (arg.StartsWith("--PulsePoint:", StringComparison.OrdinalIgnoreCase) || arg.StartsWith("--Logging:", StringComparison.OrdinalIgnoreCase))
            {
                settings.Add(arg);
            }
            else
            {
                throw new ConfigurationErrorException($"unknown argument '{arg}'; see `PulsePoint.Silo help`");
            }
        }

        TenantId? tenant = null;
        if (values.TryGetValue("tenant", out var tenantText))
        {
            tenant = TenantId.TryParse(tenantText, out var id) ? id : throw new ConfigurationErrorException("--tenant must be a tenant id (a canonical UUID)");
        }

        if (isOperator == tenant.HasValue)
        {
            throw new ConfigurationErrorException("give either --tenant ID (a tenant's keys) or --operator (operator keys)");
        }

        var scopes = ApiKeyScopes.None;
        if (values.TryGetValue("scopes", out var scopeText) && !ApiKeyScopeNames.TryParse(scopeText.Split(','), out scopes))
        {
            throw new ConfigurationErrorException("--scopes must list one or more of ingest, read, admin, separated by commas");
        }

        DateTimeOffset? expires = null;
        if (values.TryGetValue("expires", out var expiresText))
        {
            expires = DateOnly.TryParseExact(expiresText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
                : DateTimeOffset.TryParse(expiresText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                    ? at.ToUniversalTime()
                    : throw new ConfigurationErrorException("--expires must be a date (YYYY-MM-DD, the key stops at its start, UTC) or an RFC 3339 time");
        }

        return new KeysArguments(tenant, isOperator, scopes, expires, values.GetValueOrDefault("name"), values.GetValueOrDefault("key"), settings.ToArray());
    }

    /// <summary>Configuration as every verb reads it: appsettings.json, the environment, then the settings given.</summary>
    public IConfiguration Configuration() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .AddCommandLine(Settings)
        .Build();
}
