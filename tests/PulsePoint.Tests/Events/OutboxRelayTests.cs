using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Core.Internal;
using PulsePoint.Client;
using PulsePoint.Destinations;
using PulsePoint.Events;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Events;

[Collection(ClusterCollection.Name)]
public sealed class OutboxRelayTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Relay_failing_destination_gets_every_event_after_it_recovers_and_its_cursor_advances()
    {
        var tenant = TenantId.New();
        var shard = EventShards.Of(tenant, ClusterFixture.EventShards);
        var destination = RecordingDestination.Instance;
        destination.FailFor(tenant, 3);

        var events = Enumerable.Range(0, 40).Select(_ => TestEvents.Answer(tenant)).ToArray();
        // Several commits while the destination is down: the later ones must not overtake the failed one.
        foreach (var chunk in events.Chunk(10))
        {
            await fixture.Events.TrackBatchAsync(tenant, chunk);
        }

        Assert.True(
            await TestEvents.EventuallyAsync(() => events.All(e => destination.Deliveries(e.EventId) > 0), Patience),
            $"delivered {events.Count(e => destination.Deliveries(e.EventId) > 0)} of {events.Length}");
        Assert.Equal(3, destination.Failures(tenant));

        var lastPosition = await TestEvents.ScalarAsync<long>(
            "select max(position) from observability_events where tenant_id = $1", tenant.Value);
        Assert.True(await TestEvents.EventuallyAsync(
            async () => await TestEvents.ScalarAsync<long>(
                "select position from event_destination_cursors where destination = $1 and shard = $2",
                RecordingDestination.DestinationName, shard) >= lastPosition,
            Patience));
    }

    [Fact]
    public async Task Relay_lets_events_gather_for_a_destination_with_a_batch_delay_and_delivers_the_rest_at_once()
    {
        var tenant = TenantId.New();
        var events = Enumerable.Range(0, 20).Select(_ => TestEvents.Answer(tenant)).ToArray();
        var started = DateTimeOffset.UtcNow;
        // Five separate commits within a fraction of the delay.
        foreach (var chunk in events.Chunk(4))
        {
            await fixture.Events.TrackBatchAsync(tenant, chunk);
        }

        var committed = DateTimeOffset.UtcNow;
        Assert.True(
            await TestEvents.EventuallyAsync(() => GatheringDestination.Instance.Deliveries(tenant).Sum() >= events.Length, Patience),
            "the gathering destination never received every event");
        Assert.True(events.All(e => RecordingDestination.Instance.Deliveries(e.EventId) > 0), "the destination without a delay did not get every event");

        var deliveries = GatheringDestination.Instance.Deliveries(tenant);
        Assert.Equal(events.Length, deliveries.Sum());
        // Gathered: commits made within one delay arrive together, so at most one delivery per delay the
        // commits spanned, plus one for a boundary (on a slow machine the bound loosens, never flakes).
        var bound = 1 + (int)Math.Ceiling((committed - started) / GatheringDestination.Delay);
        Assert.True(deliveries.Count <= bound, $"{deliveries.Count} deliveries for 5 commits made within {(committed - started).TotalMilliseconds:0} ms (at most {bound} expected)");
        // (No lower bound on when: the delay counts from the shard's oldest waiting event, which may be
        // another test's tenant's.)
    }

    [Fact]
    public async Task Relay_of_a_deactivating_sink_does_not_wait_for_a_delivery_that_ignores_cancellation_and_the_next_activation_redelivers()
    {
        var tenant = TenantId.New();
        var stalled = StallingDestination.Instance.StallOnceFor(tenant);
        var first = TestEvents.Request(tenant);
        await fixture.Events.TrackAsync(first);
        await stalled.WaitAsync(Patience);

        var sink = fixture.Client.GetGrain<IEventSinkGrain>(EventShards.Of(tenant, ClusterFixture.EventShards));
        await sink.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var started = System.Diagnostics.Stopwatch.StartNew();
        // The next append to the shard waits until the old activation has finished deactivating.
        await fixture.Events.TrackAsync(TestEvents.Request(tenant)).WaitAsync(TimeSpan.FromSeconds(90));

        // Not a speed target: Orleans gives a stuck deactivation 30 s, and waiting for the stalled delivery uses them all.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"the shard answered {started.Elapsed.TotalSeconds:0.0} s after its deactivation began");
        // The stalled delivery did not count as delivered: the new activation hands the event over again.
        Assert.True(
            await TestEvents.EventuallyAsync(() => StallingDestination.Instance.TimesHanded(first.EventId) >= 2, Patience),
            "the event of the abandoned delivery was not delivered again");
    }

    [Fact]
    public async Task Relay_splits_deliveries_at_a_destination_s_own_batch_size()
    {
        var tenant = TenantId.New();
        // One append, one flush: 30 events committed together, which the relay would hand over as one batch.
        var events = Enumerable.Range(0, 30).Select(_ => TestEvents.Answer(tenant)).ToArray();
        await fixture.Events.TrackBatchAsync(tenant, events);

        Assert.True(
            await TestEvents.EventuallyAsync(() => events.All(e => SmallBatchDestination.Instance.Delivered(e.EventId)), Patience),
            "the small-batch destination never received every event");
        Assert.All(SmallBatchDestination.Instance.Sizes, size => Assert.InRange(size, 1, SmallBatchDestination.BatchSize));
        Assert.True(events.All(e => RecordingDestination.Instance.Deliveries(e.EventId) > 0), "the destination without a limit did not get every event");
    }

    [Fact]
    public async Task Readiness_reports_the_lag_of_every_destination_and_stays_healthy_when_caught_up()
    {
        var tenant = TenantId.New();
        await fixture.Events.TrackAsync(TestEvents.Answer(tenant));
        var silo = fixture.Cluster.Silos.Select(s => s.ServiceProvider)
            .First(sp => sp.GetRequiredService<PulsePoint.Destinations.RelayLagMonitor>().ByDestination().Count > 0);
        var health = silo.GetRequiredService<HealthCheckService>();

        var report = await health.CheckHealthAsync(check => check.Tags.Contains("ready") && check.Name == "event-relay");

        var entry = report.Entries["event-relay"];
        Assert.Contains(RecordingDestination.DestinationName, entry.Data.Keys);
        Assert.Contains(OrleansStreamDestination.DestinationName, entry.Data.Keys);
        // Lag never makes it Unhealthy: PostgreSQL still takes events and the relay catches up.
        Assert.NotEqual(HealthStatus.Unhealthy, entry.Status);
    }

    [Fact]
    public async Task Realtime_stream_subscriber_receives_its_tenants_events_filtered_by_category_and_severity()
    {
        var tenant = TenantId.New();
        var other = TenantId.New();
        var received = new ConcurrentQueue<StructuredEvent>();
        var filter = new EventFilter { Categories = [EventCategory.AiOperations], MinimumSeverity = EventSeverity.Warning };
        var handle = await fixture.Client.SubscribeToEventsAsync(tenant, filter, e =>
        {
            received.Enqueue(e);
            return Task.CompletedTask;
        });
        try
        {
            var infoAnswer = TestEvents.Answer(tenant, EventSeverity.Info);
            var errorRequest = TestEvents.Request(tenant, EventSeverity.Error);
            var otherTenants = TestEvents.Answer(other, EventSeverity.Critical);
            var warningAnswer = TestEvents.Answer(tenant, EventSeverity.Warning);
            var criticalAnswer = TestEvents.Answer(tenant, EventSeverity.Critical);
            await fixture.Events.TrackAsync(infoAnswer);
            await fixture.Events.TrackAsync(errorRequest);
            await fixture.Events.TrackAsync(otherTenants);
            await fixture.Events.TrackAsync(warningAnswer);
            await fixture.Events.TrackAsync(criticalAnswer);

            // A tenant's stream delivers in commit order: once the last match is in, the earlier events were handled.
            Assert.True(await TestEvents.EventuallyAsync(() => received.Any(e => e.EventId == criticalAnswer.EventId), Patience));
            Assert.Equal([warningAnswer.EventId, criticalAnswer.EventId], received.Select(e => e.EventId).Distinct().ToArray());
            // The sink hands on the event as PostgreSQL stores it: UTC, microsecond precision.
            var stored = warningAnswer with { Timestamp = new DateTimeOffset(warningAnswer.Timestamp.UtcTicks / 10 * 10, TimeSpan.Zero) };
            Assert.Equal(stored, received.First());
        }
        finally
        {
            await handle.UnsubscribeAsync();
        }
    }
}
