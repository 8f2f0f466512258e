using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Operators;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Events;

/// <summary>
/// A silo that stops gracefully (what SIGTERM does) flushes its event sinks' buffers before it goes:
/// appends buffered behind a long flush delay are committed and acknowledged, not dropped or left to
/// the delay.
/// </summary>
public sealed class GracefulShutdownTests
{
    /// <summary>
    /// The longest allowed. Without the drain a buffered append cannot complete before this has passed
    /// since it arrived; with it, it completes as soon as the stopping silo deactivates the sink.
    /// </summary>
    private static readonly TimeSpan FlushDelay = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task EventSink_silo_stopping_gracefully_commits_and_acknowledges_buffered_appends()
    {
        // Its own database: this cluster's sink of shard 0 would otherwise share it with the main fixture's.
        var database = TestDatabase.ForCluster("pulsepoint_test_shutdown");
        await database.EnsureCreatedAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PulsePoint:Database:Application"] = database.Application,
            ["PulsePoint:Database:Orleans"] = database.Orleans,
            ["PulsePoint:Database:TenantContextKey"] = TestDatabase.TenantContextKey,
            ["PulsePoint:Database:Pipeline"] = database.Pipeline,
            ["PulsePoint:Events:Shards"] = "1",
            ["PulsePoint:Events:FlushDelay"] = FlushDelay.ToString(),
            ["PulsePoint:Destinations:Warehouse"] = "None",
        }).Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddPulsePointGrains(configuration));
        builder.ConfigureClient(client => client.AddPulsePointTenantPropagation().AddPulsePointOperatorCalls(database.Pipeline));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        var tenant = TenantId.New();
        var events = Enumerable.Range(0, 20).Select(_ => TestEvents.Answer(tenant)).ToArray();
        var sent = DateTimeOffset.UtcNow;
        var appends = new EventTracker(cluster.Client).TrackBatchAsync(tenant, events);
        var acknowledged = appends.ContinueWith(_ => DateTimeOffset.UtcNow, TaskScheduler.Default);
        // The sink buffers the batch behind the flush delay: nothing is stored or acknowledged yet.
        await Task.Delay(1000);
        Assert.False(appends.IsCompleted, "the appends completed before the silo stopped; the flush delay did not hold them");
        Assert.Empty(await TestEvents.RowCountsAsync(tenant, database.Pipeline));

        await cluster.StopSiloAsync(cluster.Silos[0]);

        var results = await appends.WaitAsync(TimeSpan.FromSeconds(60));
        // Not a speed target: a bound the code without the drain cannot meet (its flush waits out the delay).
        Assert.True(await acknowledged - sent < FlushDelay, $"acknowledged {(await acknowledged - sent).TotalSeconds:0.0} s after sending: the stopping silo waited out the flush delay");
        Assert.All(results, r => Assert.Equal(EventAppendOutcome.Stored, r.Outcome));
        var rows = await TestEvents.RowCountsAsync(tenant, database.Pipeline);
        Assert.Equal(events.Length, rows.Count);
        Assert.All(events, e => Assert.Equal(1, rows[e.EventId]));
    }
}
