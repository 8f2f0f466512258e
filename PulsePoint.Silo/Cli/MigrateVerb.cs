using System.CommandLine;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;

namespace PulsePoint.Silo.Cli;

/// <summary><c>migrate</c>: applies the embedded <c>deploy/sql</c> migrations as the owner role, then exits.</summary>
public static class MigrateVerb
{
    public static Command Create()
    {
        var command = new Command("migrate", "apply the database migrations (deploy/sql) as the owner role, then exit");
        command.SetAction(result => Migrate(VerbConfiguration.From(result), result.InvocationConfiguration.Output));
        return command;
    }

    private static int Migrate(IConfiguration configuration, TextWriter output)
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
        return 0;
    }
}
