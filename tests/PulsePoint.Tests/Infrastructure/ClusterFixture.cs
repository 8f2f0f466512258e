using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Microsoft.Extensions.DependencyInjection;
using PulsePoint.Client;
using PulsePoint.Destinations;
using PulsePoint.Operators;
using PulsePoint.Tests.Events;

namespace PulsePoint.Tests.Infrastructure;

/// <summary>
/// One real two-silo Orleans test cluster (in process) on the real test database, shared by every test
/// in <see cref="ClusterCollection"/>: deploying a cluster costs seconds on these machines.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>Short periods so timer behaviour is observable within a test.</summary>
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan UnknownTenantIdleTimeout = TimeSpan.FromSeconds(1);

    public const int EventShards = 4;

    /// <summary>The key that seals alert channels' secrets in the test database.</summary>
    public static readonly string AlertSecretKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray());

    /// <summary>How long one alert delivery attempt may take in the test clusters.</summary>
    public static readonly TimeSpan AlertSendTimeout = TimeSpan.FromSeconds(8);
    /// <summary>The silos' DuckDB warehouse: one file per test run, shared in process like a real single-silo deployment.</summary>
    public static readonly string WarehousePath = Path.Combine(Path.GetTempPath(), "pulsepoint-cluster-" + Guid.NewGuid().ToString("N"), "warehouse.duckdb");

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>Sends events like a backend service does (validates, picks the shard, waits for the commit).</summary>
    public EventTracker Events => new(Client);

    public IClusterClient Client => Cluster.Client;

    public static IConfiguration SiloConfiguration() => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PulsePoint:Database:Application"] = TestDatabase.Application,
            ["PulsePoint:Database:Orleans"] = TestDatabase.Orleans,
            ["PulsePoint:Database:TenantContextKey"] = TestDatabase.TenantContextKey,
            ["PulsePoint:Database:Pipeline"] = TestDatabase.Pipeline,
            ["PulsePoint:Tenancy:RefreshPeriod"] = RefreshPeriod.ToString(),
            ["PulsePoint:Tenancy:UnknownTenantIdleTimeout"] = UnknownTenantIdleTimeout.ToString(),
            ["PulsePoint:Events:Shards"] = EventShards.ToString(),
            ["PulsePoint:Events:FlushDelay"] = "00:00:00.020",
            ["PulsePoint:Events:RelayInitialBackoff"] = "00:00:00.050",
            ["PulsePoint:Events:RelayMaxBackoff"] = "00:00:00.500",
            ["PulsePoint:Destinations:DuckDb:Path"] = WarehousePath,
            // Every cluster on the test database delivers alerts alike: the channels' sealing key, loopback
            // receivers allowed, and short waits so retries are observable within a test.
            ["PulsePoint:Alerts:SecretKey"] = AlertSecretKey,
            ["PulsePoint:Alerts:AllowPrivateNetworks"] = "true",
            ["PulsePoint:Alerts:PollPeriod"] = "00:00:00.200",
            ["PulsePoint:Alerts:InitialBackoff"] = "00:00:00.100",
            ["PulsePoint:Alerts:MaxBackoff"] = "00:00:01",
            ["PulsePoint:Alerts:SendTimeout"] = AlertSendTimeout.ToString(),
        })
        .AddInMemoryCollection(Billing.TestPrices.Configuration())
        .Build();

    public async Task InitializeAsync()
    {
        await TestDatabase.EnsureCreatedAsync();
        var configuration = SiloConfiguration();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddPulsePointGrains(configuration).AddTestGrainStorage();
            // A destination the tests control, beside the configured ones (Orleans stream).
            silo.Services.AddSingleton<IEventDestination>(RecordingDestination.Instance);
            // And one that lets events gather before delivery, as the warehouses do.
            silo.Services.AddSingleton<IEventDestination>(GatheringDestination.Instance);
            // And one that takes smaller batches than the relay's default.
            silo.Services.AddSingleton<IEventDestination>(SmallBatchDestination.Instance);
            // And one whose delivery can be made to hang, ignoring cancellation.
            silo.Services.AddSingleton<IEventDestination>(StallingDestination.Instance);
        });
        builder.ConfigureClient(client => client.AddPulsePointTenantPropagation().AddPulsePointOperatorCalls(TestDatabase.Pipeline).AddPulsePointEventStreams());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.StopAllSilosAsync();
            await Cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
