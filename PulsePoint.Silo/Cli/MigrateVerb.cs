using System.CommandLine;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// <c>migrate</c>: applies the embedded <c>deploy/sql</c> migrations as the owner role, registers the configured tenant
/// context key (<c>PulsePoint:Database:TenantContextKey</c>) in the database, then exits.
/// </summary>
public static class MigrateVerb
{
    public static Command Create()
    {
        var command = new Command("migrate", "apply the database migrations (deploy/sql) as the owner role, register the configured tenant context key, then exit");
        command.SetAction((result, cancellationToken) => MigrateAsync(VerbConfiguration.From(result), result.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    private static async Task<int> MigrateAsync(IConfiguration configuration, TextWriter output, CancellationToken cancellationToken)
    {
        var owner = configuration[$"{DatabaseOptions.Section}:Owner"];
        if (string.IsNullOrWhiteSpace(owner))
        {
            throw new ConfigurationErrorException("PulsePoint:Database:Owner (the owner role's connection string) is required to migrate");
        }

        var applied = SchemaMigrator.Migrate(owner);
        output.WriteLine(applied.Count == 0
            ? $"schema up to date ({SchemaMigrator.ExpectedScripts.Count} migrations)"
            : $"applied {applied.Count} migration(s): {string.Join(", ", applied)}");

        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (database.TenantContextKey is null)
        {
            output.WriteLine("no tenant context key registered: PulsePoint:Database:TenantContextKey is not set");
            return 0;
        }

        var signer = VerbConfiguration.TenantContextSigner(database);
        var added = await TenantContextKeys.RegisterAsync(owner, signer, cancellationToken);
        output.WriteLine(added
            ? $"tenant context key {signer.KeyId} registered"
            : $"tenant context key {signer.KeyId} already registered");
        return 0;
    }
}
