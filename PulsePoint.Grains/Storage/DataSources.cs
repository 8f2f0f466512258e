using Microsoft.Extensions.Options;
using Npgsql;

namespace PulsePoint.Storage;

/// <summary>One <see cref="NpgsqlDataSource"/> per database role, created on first use and shared.</summary>
public sealed class DataSources(IOptions<DatabaseOptions> options) : IAsyncDisposable
{
    private readonly Lazy<NpgsqlDataSource> _application = new(() => Create(options.Value.Application, "PulsePoint:Database:Application"));
    private readonly Lazy<NpgsqlDataSource> _pipeline = new(() => Create(options.Value.Pipeline, "PulsePoint:Database:Pipeline"));
    private readonly Lazy<NpgsqlDataSource> _background = new(() => Create(options.Value.Application, "PulsePoint:Database:Application", BackgroundApplicationName));
    // The wall clock, never an injected one: PostgreSQL checks a proof's time against its own clock.
    private readonly Lazy<TenantContextSigner> _tenantContext = new(() => TenantContextSigner.Create(options.Value, TimeProvider.System));

    /// <summary>The <c>Application Name</c> of <see cref="Background"/>'s connections, unless the connection string sets one.</summary>
    public const string BackgroundApplicationName = "pulsepoint-background";

    /// <summary>The application role's data source; subject to row-level security.</summary>
    public NpgsqlDataSource Application => _application.Value;

    /// <summary>The pipeline role's data source (BYPASSRLS); never used for tenant-facing reads.</summary>
    public NpgsqlDataSource Pipeline => _pipeline.Value;

    /// <summary>
    /// The application role again, in a pool of its own, for the silo's timed reads (a tenant grain's refresh).
    /// Npgsql hands idle connections out first in, first out, so every connection a pool holds takes its turn:
    /// background reads that overlap callers' queries in <see cref="Application"/> would grow that pool past the
    /// callers' need and spread their queries over more, colder backends (measured at one caller: the same
    /// query through a pool of three instead of one, +10% p50 and +30-40% p99).
    /// </summary>
    public NpgsqlDataSource Background => _background.Value;

    /// <summary>Signs the tenant of every transaction on <see cref="Application"/> and <see cref="Background"/> (<see cref="TenantDatabase"/>).</summary>
    /// <exception cref="InvalidOperationException">PulsePoint:Database:TenantContextKey is missing.</exception>
    public TenantContextSigner TenantContext => _tenantContext.Value;

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

        if (_background.IsValueCreated)
        {
            await _background.Value.DisposeAsync();
        }
    }

    // Both roles run a small set of statements over and over: the pipeline's usage insert, id claims and
    // position advance for every event batch; the application role's tenant setting and brand reports. They
    // are prepared on each connection after a few uses, so PostgreSQL does not parse and analyse them every
    // time (about 0.2 ms per brand report in the server log). After five executions PostgreSQL runs a prepared
    // statement on a generic plan when that costs no more than the custom ones; the brand reports do (see
    // BrandSql for what that asks of their SQL). A connection string that sets "Max Auto Prepare" keeps its value.
    private const int AutoPrepare = 32;

    /// <summary>
    /// The data source for one role's connection string, with PulsePoint's defaults (statement preparation).
    /// The load driver builds its baselines' data sources here too, so they get what the silo gets.
    /// </summary>
    /// <param name="connectionString">The role's connection string.</param>
    /// <param name="setting">The configuration key that holds it, named when it is missing.</param>
    /// <param name="applicationName">The connections' <c>Application Name</c> when the string sets none.</param>
    public static NpgsqlDataSource Create(string? connectionString, string setting, string? applicationName = null)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"{setting} is not configured");
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // The plain builder tells which keys the string names (Npgsql's answers for every key it knows).
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = AutoPrepare;
        }

        if (applicationName is not null && !given.ContainsKey("Application Name") && !given.ContainsKey("ApplicationName"))
        {
            builder.ApplicationName = applicationName;
        }

        return NpgsqlDataSource.Create(PinSearchPath(builder.ConnectionString));
    }

    /// <summary>The schemas every PulsePoint connection resolves names in, unless its connection string names its own.</summary>
    public const string SearchPath = "public, pg_temp";

    /// <summary>
    /// <paramref name="connectionString"/> with <see cref="SearchPath"/> unless it sets one. Npgsql sends it when the
    /// connection starts, so it is also what the pool's reset (<c>RESET ALL</c>) returns to after a statement changed
    /// it. Temporary tables come last (unlisted, PostgreSQL would search them first), so none can stand in for a
    /// table of <c>public</c> even where a role may create one.
    /// </summary>
    public static string PinSearchPath(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Search Path") || given.ContainsKey("SearchPath"))
        {
            return connectionString;
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = SearchPath }.ConnectionString;
    }
}
