using System.Reflection;
using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using Npgsql;

namespace PulsePoint.Storage;

/// <summary>
/// Applies the versioned scripts of <c>deploy/sql</c> (embedded in this assembly) with DbUp, which
/// records each applied script in <c>schemaversions</c> and runs each once, in name order, each in its
/// own transaction. The scripts are also written to be re-runnable on their own.
/// </summary>
public static class SchemaMigrator
{
    private const string ResourcePrefix = "PulsePoint.Migrations.";

    /// <summary>The script names the code expects to be applied, in order.</summary>
    public static IReadOnlyList<string> ExpectedScripts { get; } = typeof(SchemaMigrator).Assembly
        .GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Applies every pending script as the owner role; returns the names applied now.</summary>
    /// <exception cref="MigrationFailedException">A script failed; its transaction was rolled back.</exception>
    public static IReadOnlyList<string> Migrate(string ownerConnectionString, TextWriter? log = null)
    {
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(ownerConnectionString)
            .WithScriptsEmbeddedInAssembly(typeof(SchemaMigrator).Assembly, name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .WithTransactionPerScript()
            // Scripts use dollar quoting ($$, $p$); DbUp would read those as its own $variables$.
            .WithVariablesDisabled()
            .LogTo(new WriterLog(log ?? TextWriter.Null))
            .Build();

        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
        {
            throw new MigrationFailedException(result.ErrorScript?.Name, result.Error);
        }

        return result.Scripts.Select(s => s.Name).ToArray();
    }

    /// <summary>Names of expected scripts not yet recorded as applied in the database.</summary>
    public static async Task<IReadOnlyList<string>> PendingAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "select scriptname from schemaversions where scriptname = any($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = ExpectedScripts.ToArray() });
        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied.Add(reader.GetString(0));
        }

        return ExpectedScripts.Where(s => !applied.Contains(s)).ToArray();
    }

    private sealed class WriterLog(TextWriter writer) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }

        public void LogDebug(string format, params object[] args) { }

        public void LogInformation(string format, params object[] args) => writer.WriteLine(string.Format(format, args));

        public void LogWarning(string format, params object[] args) => writer.WriteLine("warning: " + string.Format(format, args));

        public void LogError(string format, params object[] args) => writer.WriteLine("error: " + string.Format(format, args));

        public void LogError(Exception ex, string format, params object[] args) => writer.WriteLine("error: " + string.Format(format, args));
    }
}
