using Microsoft.Extensions.Options;
using Npgsql;

namespace PulsePoint.Storage;

/// <summary>One <see cref="NpgsqlDataSource"/> per database role, created on first use and shared.</summary>
public sealed class DataSources(IOptions<DatabaseOptions> options) : IAsyncDisposable
{
    private readonly Lazy<NpgsqlDataSource> _application = new(() => Create(options.Value.Application, "PulsePoint:Database:Application"));
    private readonly Lazy<NpgsqlDataSource> _pipeline = new(() => Create(options.Value.Pipeline, "PulsePoint:Database:Pipeline"));

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

    private static NpgsqlDataSource Create(string? connectionString, string setting) =>
        string.IsNullOrWhiteSpace(connectionString)
            ? throw new InvalidOperationException($"{setting} is not configured")
            : NpgsqlDataSource.Create(connectionString);
}
