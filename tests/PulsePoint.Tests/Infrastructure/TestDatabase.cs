using System.Collections.Concurrent;
using Npgsql;
using PulsePoint.Storage;

namespace PulsePoint.Tests.Infrastructure;

/// <summary>
/// The real PostgreSQL the tests run against: a fresh database <c>pulsepoint_test</c> on the server that
/// <c>deploy/test.sh</c> (or <c>deploy/postgres.sh start</c>) runs, dropped, re-created and migrated once
/// per test run. Settings: PULSEPOINT_PG_PORT and the PULSEPOINT_PG_*_PASSWORD variables of postgres.sh.
/// </summary>
public static class TestDatabase
{
    public const string Name = "pulsepoint_test";

    private static readonly ConcurrentDictionary<string, Lazy<Task>> Databases = new();

    private static readonly ClusterDatabase Main = ForCluster(Name);

    public static string Owner => Main.Owner;

    public static string Application => Main.Application;

    public static string Pipeline => Main.Pipeline;

    public static string Orleans => Main.Orleans;

    /// <summary>The tenant context key of every test database (registered when the database is made), in base64.</summary>
    public static readonly string TenantContextKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 11 + 3)).ToArray());

    /// <summary>Signs tenant contexts with <see cref="TenantContextKey"/>.</summary>
    public static TenantContextSigner TenantContext { get; } =
        TenantContextSigner.Create(new DatabaseOptions { TenantContextKey = TenantContextKey }, TimeProvider.System);

    /// <summary>Creates and migrates the test database once per run; later calls return at once.</summary>
    public static Task EnsureCreatedAsync() => Main.EnsureCreatedAsync();

    /// <summary>
    /// A database of its own for a test cluster that writes events beside the shared fixture's cluster: one
    /// cluster per database, because two clusters' sinks on one database number the same shards' positions
    /// in turn, and each relay then reads the other's events back and delivers them to its own destinations.
    /// Created and migrated once per run.
    /// </summary>
    public static ClusterDatabase ForCluster(string name) => new(name);

    /// <summary>The load driver's smoke tests run a silo of their own (see <see cref="ForCluster"/>).</summary>
    public static ClusterDatabase LoadDriver { get; } = ForCluster("pulsepoint_test_load");

    public static NpgsqlDataSource CreateDataSource(string connectionString, int? maxPoolSize = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (maxPoolSize is { } size)
        {
            builder.MaxPoolSize = size;
        }

        // The search path every product data source pins (DataSources.PinSearchPath).
        return NpgsqlDataSource.Create(DataSources.PinSearchPath(builder.ConnectionString));
    }

    private static string Connection(string user, string passwordVariable, string localDefault, string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = int.Parse(Environment.GetEnvironmentVariable("PULSEPOINT_PG_PORT") ?? "55432"),
            Database = database,
            Username = user,
            Password = Environment.GetEnvironmentVariable(passwordVariable) ?? localDefault,
            Timeout = 5,
        }.ConnectionString;

    private static async Task CreateAsync(string name)
    {
        // The owner role may create databases; it connects to the server's maintenance database for that.
        var server = new ClusterDatabase("postgres").Owner;
        try
        {
            await using var admin = NpgsqlDataSource.Create(server);
            await using (var drop = admin.CreateCommand($"drop database if exists {name} with (force)"))
            {
                await drop.ExecuteNonQueryAsync();
            }

            await using (var create = admin.CreateCommand($"create database {name}"))
            {
                await create.ExecuteNonQueryAsync();
            }
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException(
                "The tests need PostgreSQL: run them with ./deploy/test.sh, or start it with ./deploy/postgres.sh start. " + e.Message, e);
        }

        SchemaMigrator.Migrate(new ClusterDatabase(name).Owner);
        await TenantContextKeys.RegisterAsync(new ClusterDatabase(name).Owner, TenantContext);
    }

    /// <summary>The connection strings of one cluster's own database (see <see cref="ForCluster"/>).</summary>
    public sealed class ClusterDatabase(string name)
    {
        public string Name { get; } = name;

        public string Application => Connection("pulsepoint_app", "PULSEPOINT_PG_APP_PASSWORD", "pulsepoint-app-local", Name);

        public string Pipeline => Connection("pulsepoint_pipeline", "PULSEPOINT_PG_PIPELINE_PASSWORD", "pulsepoint-pipeline-local", Name);

        public string Owner => Connection("pulsepoint_owner", "PULSEPOINT_PG_OWNER_PASSWORD", "pulsepoint-owner-local", Name);

        public string Orleans => Connection("pulsepoint_orleans", "PULSEPOINT_PG_ORLEANS_PASSWORD", "pulsepoint-orleans-local", Name);

        public Task EnsureCreatedAsync() => Databases.GetOrAdd(Name, n => new Lazy<Task>(() => CreateAsync(n))).Value;
    }
}
