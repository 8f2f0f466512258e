using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Operators;

namespace PulsePoint.Tests.Infrastructure;

/// <summary>
/// A one-silo test cluster for billing whose <see cref="BillingClock"/> is a <see cref="FakeTimeProvider"/>
/// (Orleans keeps the real clock), so tests can move billing to the next UTC day or past a reservation's
/// expiry. Billing events are recorded by <see cref="RecordingBillingEvents"/>. Grain storage is the real
/// ADO.NET storage on the test database.
/// </summary>
public sealed class BillingClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan ReservationTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Billing grains rebuild their counters once billing's clock has moved this far.</summary>
    public static readonly TimeSpan CounterReloadPeriod = TimeSpan.FromSeconds(1);

    /// <summary>Billing's clock; starts at the real time so rows written "now" belong to its today.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public RecordingBillingEvents Published => RecordingBillingEvents.Instance;

    public async Task InitializeAsync()
    {
        await TestDatabase.EnsureCreatedAsync();
        var configuration = new ConfigurationBuilder()
            .AddConfiguration(ClusterFixture.SiloConfiguration())
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["PulsePoint:Billing:DefaultDailyThresholdUsd"] = "10",
                ["PulsePoint:Billing:ReservationTimeout"] = ReservationTimeout.ToString(),
                ["PulsePoint:Billing:PricingRefreshPeriod"] = "00:00:00",
                ["PulsePoint:Billing:CounterReloadPeriod"] = CounterReloadPeriod.ToString(),
            })
            .Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton(new BillingClock(Clock));
            silo.Services.AddSingleton<IBillingEventPublisher>(RecordingBillingEvents.Instance);
            silo.AddPulsePointGrains(configuration).AddTestGrainStorage();
        });
        builder.ConfigureClient(client => client.AddPulsePointTenantPropagation().AddPulsePointOperatorCalls(TestDatabase.Pipeline));
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
public sealed class BillingClusterCollection : ICollectionFixture<BillingClusterFixture>
{
    public const string Name = "billing-cluster";
}
