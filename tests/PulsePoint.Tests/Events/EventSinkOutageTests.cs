using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Orleans.TestingHost;
using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Operators;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Events;

/// <summary>
/// A one-silo cluster whose pipeline connection string points at a closed port: PostgreSQL is
/// unreachable for the sink (the fail-fast path), while everything else of the test database works.
/// The flush delay is long (10 s) so that appends stay buffered and the bounded buffer can be filled.
/// </summary>
public sealed class UnreachableDatabaseCluster : IAsyncLifetime
{
    public const int MaxBufferedEvents = 3;

    /// <summary>Long, so a buffered append visibly waits for it; a critical one must not.</summary>
    public static readonly TimeSpan FlushDelay = TimeSpan.FromSeconds(10);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public EventTracker Events => new(Cluster.Client);

    public async Task InitializeAsync()
    {
        await TestDatabase.EnsureCreatedAsync();
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PulsePoint:Database:Application"] = TestDatabase.Application,
            ["PulsePoint:Database:Orleans"] = TestDatabase.Orleans,
            ["PulsePoint:Database:TenantContextKey"] = TestDatabase.TenantContextKey,
            ["PulsePoint:Database:Pipeline"] = new NpgsqlConnectionStringBuilder(TestDatabase.Pipeline) { Port = port, Timeout = 1 }.ConnectionString,
            ["PulsePoint:Events:Shards"] = "1",
            ["PulsePoint:Events:FlushDelay"] = FlushDelay.ToString(),
            ["PulsePoint:Events:FlushTimeout"] = "00:00:01",
            ["PulsePoint:Events:MaxBufferedEvents"] = MaxBufferedEvents.ToString(),
        }).Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddPulsePointGrains(configuration));
        builder.ConfigureClient(client => client.AddPulsePointTenantPropagation().AddPulsePointOperatorCalls(TestDatabase.Pipeline));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

public sealed class EventSinkOutageTests(UnreachableDatabaseCluster cluster) : IClassFixture<UnreachableDatabaseCluster>
{
    [Fact]
    public async Task EventSink_full_buffer_fails_fast_with_overload_and_unreachable_database_fails_as_unavailable()
    {
        var tenant = TenantId.New();
        var batch = Enumerable.Range(0, UnreachableDatabaseCluster.MaxBufferedEvents).Select(_ => TestEvents.Answer(tenant)).ToArray();

        // Together one event more than the buffer holds: whichever call arrives second is refused at once.
        var batchCall = Capture(cluster.Events.TrackBatchAsync(tenant, batch));
        var singleCall = Capture(cluster.Events.TrackAsync(TestEvents.Answer(tenant)));
        var errors = await Task.WhenAll(batchCall, singleCall);

        Assert.Single(errors, e => e is EventSinkOverloadedException);
        // The accepted call waited for its flush, which could not reach PostgreSQL: unavailable, not acknowledged.
        var unavailable = Assert.Single(errors, e => e is EventSinkUnavailableException);
        Assert.Contains("retry", unavailable!.Message);
    }

    [Fact]
    public async Task EventSink_critical_event_is_flushed_without_waiting_for_the_delay()
    {
        var tenant = TenantId.New();

        // A critical event starts the flush at once (which then fails: no database). Had it waited for the
        // 10 s flush delay, the guard below would end the test first.
        var error = await Capture(cluster.Events.TrackAsync(TestEvents.Answer(tenant, EventSeverity.Critical))
            .WaitAsync(UnreachableDatabaseCluster.FlushDelay * 0.8));

        Assert.IsType<EventSinkUnavailableException>(error);
    }

    private static async Task<Exception?> Capture(Task task)
    {
        try
        {
            await task;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
