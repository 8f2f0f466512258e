using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Orleans.Configuration;
using Orleans.TestingHost;
using Xunit.Abstractions;
using PulsePoint.Client;
using PulsePoint.Client.Resilience;
using PulsePoint.Events;
using PulsePoint.Operators;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Events;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.EndToEnd;

/// <summary>
/// A two-silo cluster of its own (restarting a silo of the shared fixture would disturb other tests), on fixed
/// loopback ports 12400+ (silos) and 12450+ (gateways), without a warehouse.
/// </summary>
public sealed class RestartableClusterFixture : IAsyncLifetime
{
    public const int EventShards = 2;

    /// <summary>Its own database: this cluster's sinks would otherwise share shards 0-1 with the main fixture's.</summary>
    public static readonly TestDatabase.ClusterDatabase Database = TestDatabase.ForCluster("pulsepoint_test_restart");

    private int _silos;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await TestDatabase.EnsureCreatedAsync();
        await Database.EnsureCreatedAsync();
        // This collection may run right after the one that restarts PostgreSQL: no idle connection of
        // the old server may reach the silos' ADO.NET providers (process-wide Npgsql pools).
        NpgsqlConnection.ClearAllPools();
        var configuration = new ConfigurationBuilder()
            .AddConfiguration(ClusterFixture.SiloConfiguration())
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["PulsePoint:Database:Application"] = Database.Application,
                ["PulsePoint:Database:Orleans"] = Database.Orleans,
                ["PulsePoint:Database:TenantContextKey"] = TestDatabase.TenantContextKey,
                ["PulsePoint:Database:Pipeline"] = Database.Pipeline,
                ["PulsePoint:Events:Shards"] = EventShards.ToString(),
                ["PulsePoint:Destinations:Warehouse"] = "None",
            })
            .Build();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            // Each silo, restarted ones included, gets the next port pair of this test's range.
            var n = Interlocked.Increment(ref _silos) - 1;
            silo.Configure<EndpointOptions>(o =>
            {
                o.SiloPort = 12400 + n;
                o.GatewayPort = 12450 + n;
            });
            silo.AddPulsePointGrains(configuration).AddTestGrainStorage(Database);
        });
        builder.ConfigureClient(client => client.AddPulsePointTenantPropagation().AddPulsePointOperatorCalls(Database.Pipeline));
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

/// <summary>Runs alone, after the parallel tests: a silo restart under load would slow every other test down.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterRestartCollection
{
    public const string Name = "cluster-restart";
}

[Collection(ClusterRestartCollection.Name)]
public sealed class ClusterRestartTests(RestartableClusterFixture fixture, ITestOutputHelper output) : IClassFixture<RestartableClusterFixture>
{
    private const int Writers = 4;
    private const int AckedAfterRestartPerWriter = 25;

    [Fact]
    public async Task Client_rides_through_a_silo_restart_without_losing_an_acknowledged_event()
    {
        var cluster = fixture.Cluster;
        var tracker = new EventTracker(cluster.Client);
        var tenant = TenantId.New();
        // Activate the tenant's sink shard, then restart the silo that hosts it: the hardest case.
        await tracker.TrackAsync(TestEvents.Request(tenant));
        var sink = cluster.Client.GetGrain<IEventSinkGrain>(EventShards.Of(tenant, RestartableClusterFixture.EventShards));
        Assert.True(cluster.TryGetGrainContext(sink.GetGrainId(), out var context));
        var host = cluster.Silos.Single(s => s.SiloAddress.Equals(context!.Address.SiloAddress));

        var acked = new ConcurrentBag<Guid>();
        var failures = new ConcurrentQueue<Exception>();
        var restarted = 0;
        var writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            var afterRestart = 0;
            while (afterRestart < AckedAfterRestartPerWriter)
            {
                var e = TestEvents.Request(tenant);
                try
                {
                    await tracker.TrackAsync(e);
                    acked.Add(e.EventId);
                    if (Volatile.Read(ref restarted) == 1)
                    {
                        afterRestart++;
                    }
                }
                catch (Exception error)
                {
                    failures.Enqueue(error);
                    if (failures.Count > 20)
                    {
                        return;
                    }
                }
            }
        })).ToArray();

        Assert.True(await TestEvents.EventuallyAsync(() => acked.Count >= 40, TimeSpan.FromSeconds(30)));
        var ackedBefore = acked.Count;
        var restart = System.Diagnostics.Stopwatch.StartNew();
        await cluster.RestartSiloAsync(host);
        var ackedDuring = acked.Count - ackedBefore;
        Volatile.Write(ref restarted, 1);
        await Task.WhenAll(writers);
        output.WriteLine($"restarted {(host == cluster.Silos[0] ? "the first" : "a")} silo (the shard's host) in {restart.ElapsedMilliseconds} ms; " +
                         $"acknowledged {ackedBefore} before, {ackedDuring} during, {acked.Count} in all; {failures.Count} failures");

        Assert.True(failures.IsEmpty, $"{failures.Count} appends failed, e.g. {failures.FirstOrDefault()}");
        var rows = await TestEvents.RowCountsAsync(tenant, RestartableClusterFixture.Database.Pipeline);
        var missing = acked.Where(id => !rows.ContainsKey(id)).ToArray();
        Assert.True(missing.Length == 0, $"{missing.Length} of {acked.Count} acknowledged events are not in PostgreSQL");
        Assert.All(acked, id => Assert.Equal(1, rows[id]));
        Assert.True(acked.Count >= 40 + Writers * AckedAfterRestartPerWriter);
    }

    [Fact]
    public async Task Permanent_errors_surface_at_once_and_transient_ones_are_recognised()
    {
        var tracker = new EventTracker(fixture.Cluster.Client);
        var bad = TestEvents.Request(TenantId.New()) with { AccuracyScore = 1.5 };

        var invalid = await Assert.ThrowsAsync<InvalidEventException>(() => tracker.TrackAsync(bad));

        Assert.Equal(nameof(StructuredEvent.AccuracyScore), invalid.Field);
        Assert.False(TransientClusterErrors.IsTransient(invalid));
        Assert.False(TransientClusterErrors.IsTransient(new TenantMismatchException("other tenant")));
        Assert.True(TransientClusterErrors.IsTransient(new Orleans.Runtime.SiloUnavailableException()));
        var exhausted = await Assert.ThrowsAsync<PulsePointUnavailableException>(() =>
            TransientClusterErrors.RetryAppendAsync<int>("Storing a test event", _ => throw new Orleans.Runtime.SiloUnavailableException()).AsTask());
        Assert.Equal(TransientClusterErrors.MaxAttempts, exhausted.Attempts);
        Assert.IsType<Orleans.Runtime.SiloUnavailableException>(exhausted.InnerException);
    }
}
