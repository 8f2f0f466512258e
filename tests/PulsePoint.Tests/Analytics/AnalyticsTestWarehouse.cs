using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PulsePoint.Analytics;
using PulsePoint.Destinations;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Analytics;

/// <summary>
/// A real DuckDB warehouse in a temporary folder, written through the warehouse writer (<see cref="DuckDbWarehouse"/>),
/// and the real test PostgreSQL for tenants and thresholds, wired the way the silo wires <see cref="TenantAnalytics"/>.
/// </summary>
public sealed class AnalyticsTestWarehouse : IAsyncDisposable
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pulsepoint-analytics-" + Guid.NewGuid().ToString("N"));
    private readonly Npgsql.NpgsqlDataSource _application;

    private AnalyticsTestWarehouse()
    {
        _application = TestDatabase.CreateDataSource(TestDatabase.Application);
        Database = new TenantDatabase(_application, TestDatabase.TenantContext);
        Path = System.IO.Path.Combine(_folder, "warehouse.duckdb");
        Warehouse = new DuckDbWarehouse(Options.Create(new DuckDbOptions { Path = Path }), TimeProvider.System, NullLogger<DuckDbWarehouse>.Instance);
        Analytics = new TenantAnalytics(new DuckDbAnalyticsWarehouse(Warehouse.OpenReadConnectionAsync), Database, Options.Create(new AnalyticsOptions()));
    }

    public string Path { get; }

    public DuckDbWarehouse Warehouse { get; }

    public TenantDatabase Database { get; }

    public TenantAnalytics Analytics { get; }

    public static async Task<AnalyticsTestWarehouse> CreateAsync()
    {
        await TestDatabase.EnsureCreatedAsync();
        return new AnalyticsTestWarehouse();
    }

    /// <summary>Creates a tenant row (application role, RLS) with an optional own threshold.</summary>
    public async Task<TenantId> CreateTenantAsync(string name, decimal? threshold = null)
    {
        var tenant = TenantId.New();
        await Database.RunAsync(tenant, async session =>
        {
            await using var insert = session.Command("insert into tenants (id, name, daily_cost_threshold_usd) values ($1, $2, $3)").Bind(name).Bind(threshold);
            await insert.ExecuteNonQueryAsync();
        });
        return tenant;
    }

    public async ValueTask DisposeAsync()
    {
        await Warehouse.DisposeAsync();
        await _application.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
