using Microsoft.Extensions.Options;
using Npgsql;

namespace PulsePoint.Storage;

/// <summary>One <see cref="NpgsqlDataSource"/> per database role, created on first use and shared.</summary>
public sealed class DataSources(IOptions<DatabaseOptions> options) : IAsyncDisposable
{
    private readonly Lazy<NpgsqlDataSource> _application = new(() => Create(options.Value.Application, "PulsePoint:Database:Application"));
    private readonly Lazy<NpgsqlDataSource> _pipeline = new(() => Create(options.Value.Pipeline, "PulsePoint:Database:Pipeline", autoPrepare: true));

    /// <summary>The application role's data source; subject to row-level security.</summary>
    public NpgsqlDataSource Application => _application.Value;

    /// <summary>The pipeline role's data source (BYPASSRLS); never used for tenant-facing reads.</summary>
    public NpgsqlDataSource Pipeline => _pipeline.Value;

    public async ValueTask DisposeAsync()
    {
        if (_application.IsValueCreated)
        {
            await _application.Value.DisposeAsync();
        }

        if (_pipeline.IsValueCreated)
        {
            await _pipeline.Value.DisposeAsync();
        }
    }

    // Statements the pipeline runs for every event batch (the usage insert, the id claims, the position
    // advance) are prepared on each connection after a few uses, so PostgreSQL does not parse and plan them
    // every time. A connection string that sets "Max Auto Prepare" itself keeps its value.
    private const int PipelineAutoPrepare = 32;

    private static NpgsqlDataSource Create(string? connectionString, string setting, bool autoPrepare = false)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"{setting} is not configured");
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // The plain builder tells which keys the string names (Npgsql's answers for every key it knows).
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (autoPrepare && !given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = PipelineAutoPrepare;
        }

        return NpgsqlDataSource.Create(builder.ConnectionString);
    }
}
