using PulsePoint.Destinations;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.Destinations;

/// <summary>The Pub/Sub adapter against the real Google Pub/Sub emulator.</summary>
public sealed class PubSubDestinationTests
{
    private static string NewTopic() => "events-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task PubSub_publish_delivers_payload_and_attributes_to_a_subscriber()
    {
        var host = DestinationTestServices.SharedEmulatorHost();
        var topic = NewTopic();
        using var subscriber = new PubSubTestSubscriber(host, DestinationTestServices.Project, topic);
        await subscriber.CreateTopicAndSubscriptionAsync();
        await using var services = DestinationTestServices.PubSub(host, topic);
        var tenant = TenantId.New();
        var full = TestEvents.Full(tenant, DateTimeOffset.UtcNow);
        var critical = TestEvents.Minimal(tenant, DateTimeOffset.UtcNow) with
        {
            Category = EventCategory.System, EventType = EventTypes.SystemError, Severity = EventSeverity.Critical, Status = EventStatus.Failure,
        };

        await services.Destination("pubsub").DeliverAsync([full, critical], CancellationToken.None);

        var received = await subscriber.PullUntilAsync([full.EventId, critical.EventId]);
        Assert.Equal(2, received.Count);
        var message = Assert.Single(received[full.EventId]);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["tenant_id"] = tenant.ToString(),
                ["category"] = "ai.operations",
                ["severity"] = "warning",
                ["event_type"] = "ai.answer_generated",
                ["event_id"] = full.EventId.ToString(),
            },
            message.Attributes);
        var data = message.Data;
        Assert.Equal(full.EventId.ToString(), data["event_id"]!.GetValue<string>());
        Assert.Equal(tenant.ToString(), data["tenant_id"]!.GetValue<string>());
        Assert.Equal(full.RequestId, data["request_id"]!.GetValue<string>());
        Assert.Equal(full.BrandId.ToString(), data["brand_id"]!.GetValue<string>());
        Assert.Equal("partial", data["status"]!.GetValue<string>());
        // Microseconds, like PostgreSQL and BigQuery timestamps.
        Assert.Equal(full.Timestamp.UtcTicks / 10 * 10, DateTimeOffset.Parse(data["timestamp"]!.GetValue<string>()).UtcTicks);
        Assert.Equal(full.TokensCacheRead, data["tokens_cache_read"]!.GetValue<long>());
        Assert.Equal(full.CostUsd, decimal.Parse(data["cost_usd"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(full.ErrorMessage, data["error_message"]!.GetValue<string>());
        Assert.Equal(full.AiModel, data["ai_model"]!.GetValue<string>());
        Assert.True(data["was_cached"]!.GetValue<bool>());

        var alert = Assert.Single(received[critical.EventId]);
        Assert.Equal("critical", alert.Attributes["severity"]);
        Assert.Equal("system", alert.Attributes["category"]);
        Assert.False(alert.Data.ContainsKey("cost_usd"));
    }

    [Fact]
    public async Task PubSub_batch_larger_than_one_request_arrives_whole()
    {
        var host = DestinationTestServices.SharedEmulatorHost();
        var topic = NewTopic();
        using var subscriber = new PubSubTestSubscriber(host, DestinationTestServices.Project, topic);
        await subscriber.CreateTopicAndSubscriptionAsync();
        await using var services = DestinationTestServices.PubSub(host, topic);
        var events = TestEvents.Many(TenantId.New(), DateTimeOffset.UtcNow, 1200);

        // The emulator refuses a publish of more than 1000 messages, so this passes only if the batch is split.
        await services.Destination("pubsub").DeliverAsync(events, CancellationToken.None);

        var received = await subscriber.PullUntilAsync(events.Select(e => e.EventId).ToList());
        Assert.Equal(events.Select(e => e.EventId).Order(), received.Keys.Order());
    }

    [Fact]
    public async Task PubSub_missing_topic_without_CreateTopic_fails_at_once_as_not_retryable()
    {
        var host = DestinationTestServices.SharedEmulatorHost();
        await using var services = DestinationTestServices.PubSub(host, NewTopic(), createTopic: false);

        var failure = await Assert.ThrowsAsync<PubSubPublishException>(
            () => services.Destination("pubsub").DeliverAsync([TestEvents.Minimal(TenantId.New(), DateTimeOffset.UtcNow)], CancellationToken.None));

        Assert.Equal("NOT_FOUND", failure.Status);
        Assert.False(failure.Retryable);
    }

    [Fact]
    public async Task PubSub_emulator_outage_fails_delivery_then_the_same_batch_arrives_after_restart()
    {
        await using var emulator = await PubSubEmulatorProcess.StartOnFreePortAsync();
        var topic = NewTopic();
        using var subscriber = new PubSubTestSubscriber(emulator.Host, DestinationTestServices.Project, topic);
        await subscriber.CreateTopicAndSubscriptionAsync();
        await using var services = DestinationTestServices.PubSub(emulator.Host, topic);
        var destination = services.Destination("pubsub");
        var tenant = TenantId.New();
        var before = TestEvents.Many(tenant, DateTimeOffset.UtcNow, 50);
        var during = TestEvents.Many(tenant, DateTimeOffset.UtcNow, 50);

        await destination.DeliverAsync(before, CancellationToken.None);
        Assert.Equal(50, (await subscriber.PullUntilAsync(before.Select(e => e.EventId).ToList())).Count);

        await emulator.StopAsync();
        // Bounded: a few retries with backoff, then the relay gets the failure and keeps the batch.
        var failure = await Assert.ThrowsAsync<PubSubPublishException>(() => destination.DeliverAsync(during, CancellationToken.None));
        Assert.True(failure.Retryable);
        Assert.Equal("UNAVAILABLE", failure.Status);

        // The emulator forgets topics and subscriptions when it stops; a subscriber re-creates its own.
        await emulator.StartAsync();
        await subscriber.CreateTopicAndSubscriptionAsync();
        await destination.DeliverAsync(during, CancellationToken.None);

        var received = await subscriber.PullUntilAsync(during.Select(e => e.EventId).ToList());
        Assert.Equal(during.Select(e => e.EventId).Order(), received.Keys.Order());
    }

    [Fact]
    public void PubSub_requests_hold_at_most_1000_messages_and_stay_under_10_MB()
    {
        var tenant = TenantId.New();
        // 4000 three-byte characters: about 16 KB of base64 per message, so bytes, not count, split these.
        var big = Enumerable.Range(0, 1500)
            .Select(i => TestEvents.Full(tenant, DateTimeOffset.UtcNow, i) with { ErrorMessage = new string('€', StructuredEventValidator.MaxErrorMessageLength) })
            .ToList();
        var small = TestEvents.Many(tenant, DateTimeOffset.UtcNow, 2001);

        var bigRequests = PubSubDestination.Requests(big).ToList();
        var smallRequests = PubSubDestination.Requests(small).ToList();

        Assert.Equal(1500, bigRequests.Sum(r => r.Count));
        Assert.True(bigRequests.Count >= 3);
        Assert.All(bigRequests, r => Assert.True(r.Body.Length <= PubSubDestination.MaxRequestBytes, $"{r.Body.Length} bytes"));
        Assert.Equal([1000, 1000, 1], smallRequests.Select(r => r.Count));
        Assert.Empty(PubSubDestination.Requests([]));
    }
}
