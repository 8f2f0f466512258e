using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Core.Internal;
using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Events;

[Collection(ClusterCollection.Name)]
public sealed class EventSinkTests(ClusterFixture fixture)
{
    private EventTracker Events => fixture.Events;

    [Fact]
    public async Task EventSink_concurrent_appends_are_all_committed_and_share_batches()
    {
        var tenant = TenantId.New();
        var events = Enumerable.Range(0, 300).Select(_ => TestEvents.Answer(tenant)).ToArray();

        var outcomes = await Task.WhenAll(events.Select(Events.TrackAsync));

        Assert.All(outcomes, o => Assert.Equal(EventAppendOutcome.Stored, o));
        var rows = await TestEvents.RowCountsAsync(tenant);
        Assert.Equal(events.Select(e => e.EventId).Order(), rows.Keys.Order());
        Assert.All(rows.Values, n => Assert.Equal(1, n));
        // Group commit: concurrent appends were committed together, not one transaction each.
        var largestBatch = await TestEvents.ScalarAsync<int>("select max(batch_size) from observability_events where tenant_id = $1", tenant.Value);
        Assert.True(largestBatch > 1, $"largest batch was {largestBatch}");
        // ingested_at is now() of the writing transaction: one value per flush.
        var batches = await TestEvents.ScalarAsync<long>(
            "select count(distinct ingested_at) from observability_events where tenant_id = $1", tenant.Value);
        Assert.True(batches < events.Length, $"{events.Length} appends took {batches} flushes");
    }

    [Fact]
    public async Task EventSink_stores_every_field_as_given()
    {
        var tenant = TenantId.New();
        var e = TestEvents.Answer(tenant) with { BrandId = Guid.NewGuid(), TokensCacheRead = 50, TokensCacheWrite = 7, ErrorCode = "E1", WasCached = true };

        await Events.TrackAsync(e);

        await using var pipeline = TestDatabase.CreateDataSource(TestDatabase.Pipeline);
        await using var command = pipeline.CreateCommand(
            "select category, event_type, severity, status, tokens_input, tokens_cache_read, cost_usd, accuracy_score, was_cached, brand_id, ai_model " +
            "from observability_events where tenant_id = $1 and event_id = $2").Bind(tenant.Value).Bind(e.EventId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("ai.operations", reader.GetString(0));
        Assert.Equal(EventTypes.AiAnswerGenerated, reader.GetString(1));
        Assert.Equal("info", reader.GetString(2));
        Assert.Equal("success", reader.GetString(3));
        Assert.Equal(1200, reader.GetInt64(4));
        Assert.Equal(50, reader.GetInt64(5));
        Assert.Equal(0.0123m, reader.GetDecimal(6));
        Assert.Equal(0.9, reader.GetDouble(7));
        Assert.True(reader.GetBoolean(8));
        Assert.Equal(e.BrandId, reader.GetGuid(9));
        Assert.Equal("claude-3-sonnet", reader.GetString(10));
    }

    [Fact]
    public async Task EventSink_same_event_twice_is_one_row_also_across_reactivation()
    {
        var tenant = TenantId.New();
        var e = TestEvents.Answer(tenant);

        Assert.Equal(EventAppendOutcome.Stored, await Events.TrackAsync(e));
        Assert.Equal(EventAppendOutcome.AlreadyStored, await Events.TrackAsync(e));
        // Concurrent retries of a new event: one is stored, the others see it stored.
        var twin = TestEvents.Answer(tenant);
        var racing = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Events.TrackAsync(twin)));
        Assert.Single(racing, o => o == EventAppendOutcome.Stored);

        var sink = fixture.Client.GetGrain<IEventSinkGrain>(EventShards.Of(tenant, ClusterFixture.EventShards));
        await TestGrains.DeactivateAsync(fixture.Client, sink);

        Assert.Equal(EventAppendOutcome.AlreadyStored, await Events.TrackAsync(e));
        using (TenantScope.Begin(tenant))
        {
            var results = await sink.AppendBatchAsync([e, twin, e]);
            Assert.All(results, r => Assert.Equal(EventAppendOutcome.AlreadyStored, r.Outcome));
        }

        var rows = await TestEvents.RowCountsAsync(tenant);
        Assert.Equal(1, rows[e.EventId]);
        Assert.Equal(1, rows[twin.EventId]);
        Assert.Equal(2, rows.Count);
    }

    [Fact]
    public async Task EventSink_malformed_event_in_a_batch_is_rejected_alone_with_the_field_named()
    {
        var tenant = TenantId.New();
        var batch = Enumerable.Range(0, 5).Select(_ => TestEvents.Answer(tenant)).ToArray();
        batch[2] = batch[2] with { AccuracyScore = 1.5 };

        var results = await Events.TrackBatchAsync(tenant, batch);

        Assert.Equal(5, results.Count);
        Assert.Equal(EventAppendOutcome.Rejected, results[2].Outcome);
        Assert.Equal(nameof(StructuredEvent.AccuracyScore), results[2].Field);
        Assert.Contains("AccuracyScore", results[2].Error);
        Assert.All(results.Where((_, i) => i != 2), r => Assert.Equal(EventAppendOutcome.Stored, r.Outcome));
        var rows = await TestEvents.RowCountsAsync(tenant);
        Assert.Equal(4, rows.Count);
        Assert.DoesNotContain(batch[2].EventId, rows.Keys);
    }

    [Fact]
    public async Task EventSink_single_invalid_append_throws_naming_the_field()
    {
        var tenant = TenantId.New();
        var bad = TestEvents.Answer(tenant) with { EventType = "Not A Type" };
        var sink = fixture.Client.GetGrain<IEventSinkGrain>(EventShards.Of(tenant, ClusterFixture.EventShards));

        using (TenantScope.Begin(tenant))
        {
            var error = await Assert.ThrowsAsync<InvalidEventException>(() => sink.AppendAsync(bad));
            Assert.Equal(nameof(StructuredEvent.EventType), error.Field);
        }
    }

    [Fact]
    public async Task EventSink_refuses_events_of_another_tenant_than_the_caller()
    {
        var caller = TenantId.New();
        var other = TenantId.New();
        var sink = fixture.Client.GetGrain<IEventSinkGrain>(EventShards.Of(caller, ClusterFixture.EventShards));

        using (TenantScope.Begin(caller))
        {
            await Assert.ThrowsAsync<TenantMismatchException>(() => sink.AppendBatchAsync([TestEvents.Answer(caller), TestEvents.Answer(other)]));
        }

        // No caller tenant at all: refused too (fail closed).
        await Assert.ThrowsAsync<TenantMismatchException>(() => sink.AppendAsync(TestEvents.Answer(caller)));
        Assert.Empty(await TestEvents.RowCountsAsync(caller));
        Assert.Empty(await TestEvents.RowCountsAsync(other));
    }

    [Fact]
    public async Task EventSink_refuses_a_tenant_that_belongs_to_another_shard_and_says_the_clusters_shard_count()
    {
        var tenant = TenantId.New();
        var wrongShard = (EventShards.Of(tenant, ClusterFixture.EventShards) + 1) % ClusterFixture.EventShards;
        using (TenantScope.Begin(tenant))
        {
            var error = await Assert.ThrowsAsync<WrongEventShardException>(
                () => fixture.Client.GetGrain<IEventSinkGrain>(wrongShard).AppendAsync(TestEvents.Answer(tenant)));
            Assert.Equal(ClusterFixture.EventShards, error.ShardCount);
        }

        // Clients need no shard setting: the cluster tells them.
        Assert.Equal(ClusterFixture.EventShards, await fixture.Client.GetGrain<IEventShardsGrain>(0).GetShardCountAsync());
    }

    [Fact]
    public async Task Events_are_readable_by_their_tenant_only_through_the_parent_table()
    {
        var a = TenantId.New();
        var b = TenantId.New();
        await Events.TrackAsync(TestEvents.Answer(a));
        await Events.TrackAsync(TestEvents.Answer(b));
        await Events.TrackAsync(TestEvents.Answer(b));

        await using var application = TestEvents.Application();
        var database = new TenantDatabase(application, TestDatabase.TenantContext);
        var seen = await database.RunAsync(a, async session =>
        {
            // No defensive tenant filter here on purpose: RLS alone must hide b's rows.
            await using var command = session.Command("select count(*) from observability_events where $1::uuid is not null");
            return (long)(await command.ExecuteScalarAsync())!;
        });
        Assert.Equal(1, seen);

        await using (var noTenant = application.CreateCommand("select count(*) from observability_events"))
        {
            Assert.Equal(0L, (long)(await noTenant.ExecuteScalarAsync())!);
        }

        var partition = "observability_events_p" + DateTime.UtcNow.ToString("yyyyMMdd");
        await using var direct = application.CreateCommand($"select count(*) from {partition}");
        var denied = await Assert.ThrowsAsync<PostgresException>(() => direct.ExecuteScalarAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
    }

    [Fact]
    public async Task EventSink_shard_of_a_tenant_is_stable()
    {
        var tenant = TenantId.Parse("11111111-1111-4111-8111-111111111111");
        // Fixed expectations: a change of the hash would move tenants between shards and break per-tenant order.
        Assert.Equal(EventShards.Of(tenant, 8), EventShards.Of(TenantId.Parse(tenant.ToString()), 8));
        var spread = Enumerable.Range(0, 400).Select(_ => EventShards.Of(TenantId.New(), 8)).Distinct().Count();
        Assert.Equal(8, spread);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Concurrent_writers_of_one_shard_never_commit_the_same_positions()
    {
        // Two activations of one shard at once (a silo failure, two clusters on one database) each number
        // their rows from what they last saw; PostgreSQL must still end up with distinct positions, no gaps.
        var (store, shard, tenant, start) = await UnusedShardAsync();

        var writes = await Task.WhenAll(Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            var last = start;
            var mine = new List<EventWrite>();
            for (var i = 0; i < 5; i++)
            {
                // Every other batch bills (its usage rows are the claims), the rest claim their ids.
                var batch = Enumerable.Range(0, 5).Select(_ => i % 2 == 0 ? TestEvents.Answer(tenant) : TestEvents.Request(tenant)).ToArray();
                var write = await store.WriteAsync(shard, batch, last, CancellationToken.None);
                mine.Add(write);
                last = write.LastPosition;
            }

            return mine;
        })));

        var all = writes.SelectMany(w => w).ToArray();
        Assert.All(all, w => Assert.Equal(5, w.Stored.Count));
        var taken = all.SelectMany(w => Enumerable.Range(0, 5).Select(k => w.FirstPosition + k)).Order().ToArray();
        Assert.Equal(Enumerable.Range(1, 100).Select(k => start + k), taken);
        var stored = await TestEvents.ScalarAsync<long>(
            "select count(distinct position) from observability_events where shard = $1 and tenant_id = $2", shard, tenant.Value);
        Assert.Equal(100, stored);
        Assert.Equal(start + 100, await store.LastPositionAsync(shard, CancellationToken.None));
    }

    [Fact]
    public async Task A_shard_without_a_position_row_carries_on_after_its_stored_events()
    {
        // A database from before 0007 has events but no position rows; a writer that knows an old position
        // is told to read it again instead of numbering over committed rows.
        var (store, shard, tenant, start) = await UnusedShardAsync();
        var first = await store.WriteAsync(shard, [TestEvents.Request(tenant), TestEvents.Request(tenant)], start, CancellationToken.None);
        await using (var owner = TestDatabase.CreateDataSource(TestDatabase.Owner))
        await using (var delete = owner.CreateCommand("delete from event_shard_positions where shard = $1").Bind(shard))
        {
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        var second = await store.WriteAsync(shard, [TestEvents.Answer(tenant)], start, CancellationToken.None);

        Assert.Equal(start + 2, first.LastPosition);
        Assert.Equal(start + 3, second.LastPosition);
        Assert.Equal(start + 3, second.FirstPosition);
        Assert.Equal(start + 3, await store.LastPositionAsync(shard, CancellationToken.None));
    }

    [Fact]
    public async Task Retention_creates_upcoming_partitions_and_drops_expired_ones()
    {
        var silo = fixture.Cluster.Silos[0].ServiceProvider;
        var store = silo.GetRequiredService<EventStore>();
        var old = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-120);
        await store.CreatePartitionsAsync(old, old, CancellationToken.None);
        var oldName = "observability_events_p" + old.ToString("yyyyMMdd");
        Assert.True(await PartitionExistsAsync(oldName));

        var (_, dropped) = await fixture.Client.GetGrain<IEventRetentionGrain>(0).RunAsync();

        Assert.True(dropped >= 1);
        Assert.False(await PartitionExistsAsync(oldName));
        var ahead = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(new EventOptions().PartitionsAhead);
        Assert.True(await PartitionExistsAsync("observability_events_p" + ahead.ToString("yyyyMMdd")));
    }

    /// <summary>The silo's event store, a shard no sink owns (random, above the test cluster's), a new tenant, the shard's position.</summary>
    private async Task<(EventStore Store, int Shard, TenantId Tenant, long Start)> UnusedShardAsync()
    {
        var store = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<EventStore>();
        var shard = 200_000 + Random.Shared.Next(1_000_000);
        return (store, shard, TenantId.New(), await store.LastPositionAsync(shard, CancellationToken.None));
    }

    private static async Task<bool> PartitionExistsAsync(string name) =>
        await TestEvents.ScalarAsync<bool>("select to_regclass($1) is not null", name);
}
