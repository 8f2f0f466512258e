using Microsoft.Extensions.DependencyInjection;
using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Silo.Cli;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Analytics;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Billing;

/// <summary>
/// One tenant's AI usage written the way the event sink writes it, for reconcile tests: events and usage rows in one
/// transaction by the silo's own <see cref="EventStore"/> (on a shard no sink of the test cluster owns, so no relay
/// delivers them on its own), the tenant grain told of the committed usage as the sink tells it, and a real DuckDB
/// warehouse file that receives what a test delivers — everything the relay would, or a chosen part of it.
/// </summary>
public sealed class ReconcileTenant : IAsyncDisposable
{
    private readonly ClusterFixture _fixture;
    private readonly AnalyticsTestWarehouse _warehouse;
    private readonly EventStore _store;
    private readonly int _shard;
    private readonly string _copy = Path.Combine(Path.GetTempPath(), "pulsepoint-reconcile-" + Guid.NewGuid().ToString("N") + ".duckdb");

    private ReconcileTenant(ClusterFixture fixture, AnalyticsTestWarehouse warehouse, TenantId tenant)
    {
        _fixture = fixture;
        _warehouse = warehouse;
        Tenant = tenant;
        _store = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<EventStore>();
        _shard = 300_000 + Random.Shared.Next(1_000_000);
    }

    public TenantId Tenant { get; }

    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>A new tenant, created through its tenant grain, with an empty warehouse file.</summary>
    public static async Task<ReconcileTenant> CreateAsync(ClusterFixture fixture)
    {
        var warehouse = await AnalyticsTestWarehouse.CreateAsync();
        return new ReconcileTenant(fixture, warehouse, await TestTenants.CreateAsync(fixture.Client, "Reconcile"));
    }

    /// <summary>An AI event of this tenant at <paramref name="at"/> (default now): priced from the catalog unless <paramref name="costUsd"/> is given.</summary>
    public StructuredEvent Ai(string model, long input, long output, decimal? costUsd = null, DateTimeOffset? at = null) =>
        TestUsage.AiEvent(Tenant, model, input, output, at ?? DateTimeOffset.UtcNow, costUsd);

    /// <summary>
    /// Stores <paramref name="events"/> as one committed batch, then hands the batch's usage to the tenant grain as the
    /// sink does after a commit; returns the rows as stored (catalog costs filled in, billing warnings added), which is
    /// what the relay delivers.
    /// </summary>
    public async Task<IReadOnlyList<StructuredEvent>> StoreAsync(params StructuredEvent[] events)
    {
        var write = await StoreWithoutCountersAsync(events);
        foreach (var (tenant, batch) in write.Usage.PerTenant())
        {
            await AddToCountersAsync(tenant, batch);
        }

        return write.Stored;
    }

    /// <summary>Stores <paramref name="events"/> as one committed batch and leaves telling the tenant grain to the caller.</summary>
    public async Task<EventWrite> StoreWithoutCountersAsync(params StructuredEvent[] events)
    {
        var last = await _store.LastPositionAsync(_shard, CancellationToken.None);
        return await _store.WriteAsync(_shard, events, last, CancellationToken.None);
    }

    /// <summary>Adds <paramref name="batch"/> to the tenant grain's counters through its interface, inside the tenant's scope.</summary>
    public Task AddToCountersAsync(UsageBatch batch) => AddToCountersAsync(Tenant, batch);

    /// <summary>Appends <paramref name="events"/> to the warehouse file through the warehouse writer.</summary>
    public Task DeliverAsync(IEnumerable<StructuredEvent> events) => _warehouse.Warehouse.DeliverAsync(events.ToArray(), CancellationToken.None);

    /// <summary>
    /// Closes the warehouse writer (which checkpoints the file) and runs the verb for this tenant on a copy of the file,
    /// as a separate reader would open it, with the live counters read from the test cluster's tenant grain.
    /// </summary>
    public async Task<(int Code, string Output, string Error)> ReconcileAsync(params string[] options)
    {
        if (!File.Exists(_copy))
        {
            await _warehouse.Warehouse.DisposeAsync();
            File.Copy(_warehouse.Path, _copy);
        }

        var output = new StringWriter();
        var error = new StringWriter();
        var code = await SiloCommandLine.RunAsync(
            ["reconcile", "--tenant", Tenant.ToString(), .. options, .. Settings(_copy)], output, error,
            [ReconcileVerb.Create(new ClusterCostCounters(_fixture.Client), TimeProvider.System)]);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The verb's database and warehouse settings for the test database and <paramref name="warehouse"/>.</summary>
    public static string[] Settings(string warehouse) =>
    [
        $"--PulsePoint:Database:Application={TestDatabase.Application}",
        $"--PulsePoint:Database:Orleans={TestDatabase.Orleans}",
        $"--PulsePoint:Database:TenantContextKey={TestDatabase.TenantContextKey}",
        $"--PulsePoint:Database:Pipeline={TestDatabase.Pipeline}",
        $"--PulsePoint:Destinations:DuckDb:Path={warehouse}",
    ];

    public async ValueTask DisposeAsync()
    {
        await _warehouse.DisposeAsync();
        File.Delete(_copy);
    }

    private async Task AddToCountersAsync(TenantId tenant, UsageBatch batch)
    {
        using (TenantScope.Begin(tenant))
        {
            await _fixture.Client.GetGrain<ITenantUsageFeed>(tenant.Value).AddUsageAsync(batch);
        }
    }
}
