using System.Globalization;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Orleans.TestingHost;
using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Operators;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Events;

[CollectionDefinition(Name)]
public sealed class PoisonEventCollection : ICollectionFixture<PoisonEventCluster>
{
    public const string Name = "poison-events";
}

/// <summary>
/// A one-silo cluster whose sinks wait a whole second before a flush, so that every append a test makes at
/// once lands in one flush: one tenant's bad event and another tenant's good events share a transaction
/// unless the sink isolates them. Its own database (the tests add a constraint to it) and a catalog price
/// high enough to overflow what one event may cost.
/// </summary>
public sealed class PoisonEventCluster : IAsyncLifetime
{
    public const int Shards = 2;

    public const string CostlyModel = "costly-model";

    public static readonly TestDatabase.ClusterDatabase Database = TestDatabase.ForCluster("pulsepoint_test_poison");

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.EnsureCreatedAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PulsePoint:Database:Application"] = Database.Application,
            ["PulsePoint:Database:Orleans"] = Database.Orleans,
            ["PulsePoint:Database:TenantContextKey"] = TestDatabase.TenantContextKey,
            ["PulsePoint:Database:Pipeline"] = Database.Pipeline,
            ["PulsePoint:Events:Shards"] = Shards.ToString(CultureInfo.InvariantCulture),
            ["PulsePoint:Events:FlushDelay"] = "00:00:01",
            ["PulsePoint:Destinations:DuckDb:Path"] = Path.Combine(Path.GetTempPath(), "pulsepoint-poison-" + Guid.NewGuid().ToString("N"), "warehouse.duckdb"),
            ["PulsePoint:Billing:Pricing:0:Model"] = CostlyModel,
            ["PulsePoint:Billing:Pricing:0:EffectiveFrom"] = "2020-01-01T00:00:00Z",
            ["PulsePoint:Billing:Pricing:0:InputPerMTok"] = "1000000",
            ["PulsePoint:Billing:Pricing:0:OutputPerMTok"] = "1000000",
        }).Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddPulsePointGrains(configuration).AddTestGrainStorage(Database));
        builder.ConfigureClient(client => client.AddPulsePointTenantPropagation().AddPulsePointOperatorCalls(Database.Pipeline));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

/// <summary>
/// No bad input from one tenant fails another's events: what the validator refuses is rejected alone at
/// the edge, what PostgreSQL refuses (a value no check foresaw) is isolated by the sink, and what is stored
/// is stored exactly.
/// </summary>
[Collection(PoisonEventCollection.Name)]
public sealed class PoisonEventTests(PoisonEventCluster fixture)
{
    private IClusterClient Client => fixture.Cluster.Client;

    [Fact]
    public async Task A_row_PostgreSQL_refuses_is_rejected_alone_and_the_other_tenants_events_of_its_flush_commit()
    {
        var (poisoner, neighbour) = TenantsOnOneShard();
        // A value the validator and the pricing accept but the database does not: a constraint only this test's database has.
        await OwnerAsync("alter table ai_token_usage drop constraint if exists test_no_poison_model, " +
                         "add constraint test_no_poison_model check (model <> 'poison-model')");
        var poison = TestEvents.Answer(poisoner) with { AiModel = "poison-model" };
        var fine = TestEvents.Answer(poisoner);
        var others = Enumerable.Range(0, 30).Select(i => i % 3 == 0 ? TestEvents.Request(neighbour) : TestEvents.Answer(neighbour) with { CostUsd = null }).ToArray();

        var (poisonerResults, neighbourResults) = await AppendTogetherAsync((poisoner, [poison, fine]), (neighbour, others));

        Assert.All(neighbourResults, r => Assert.Equal(EventAppendOutcome.Stored, r.Outcome));
        Assert.Equal(EventAppendOutcome.Stored, poisonerResults[1].Outcome);
        var rejected = poisonerResults[0];
        Assert.Equal((poison.EventId, EventAppendOutcome.Rejected), (rejected.EventId, rejected.Outcome));
        Assert.Equal(nameof(StructuredEvent), rejected.Field);
        Assert.Contains("test_no_poison_model", rejected.Error);
        Assert.Contains("the other events of its batch were stored", rejected.Error);

        // Nothing of the refused event is half-stored: no event row, no usage row; every good one has both.
        Assert.Equal(0L, await PipelineScalarAsync<long>("select count(*) from observability_events where event_id = $1", poison.EventId));
        Assert.Equal(0L, await PipelineScalarAsync<long>("select count(*) from ai_token_usage where event_id = $1", poison.EventId));
        Assert.Equal(others.Length, (await TestEvents.RowCountsAsync(neighbour, PoisonEventCluster.Database.Pipeline)).Count);
        Assert.Equal(others.Count(e => e.Category == EventCategory.AiOperations),
            await PipelineScalarAsync<long>("select count(*) from ai_token_usage where tenant_id = $1", neighbour.Value));
        // The poison shared the neighbour's flush: the sink wrote that flush's events in several transactions.
        Assert.True(await PipelineScalarAsync<long>("select count(distinct ingested_at) from observability_events where tenant_id = $1", neighbour.Value) > 1,
            "the neighbour's events were committed in one transaction: the poison was not in their flush, so nothing was isolated");

        // A retry of the refused event is refused again, alone; of a stored one is "already stored".
        var (retried, _) = await AppendTogetherAsync((poisoner, [poison, fine]), (neighbour, [TestEvents.Request(neighbour)]));
        Assert.Equal([EventAppendOutcome.Rejected, EventAppendOutcome.AlreadyStored], retried.Select(r => r.Outcome));
    }

    [Fact]
    public async Task An_event_priced_above_what_one_event_may_cost_is_rejected_alone_naming_its_costliest_token_field()
    {
        var (poisoner, neighbour) = TenantsOnOneShard();
        // 2 billion output tokens at $1,000,000 per million: $2 billion, far above the $1,000,000 limit (and numeric(24, 12)).
        var costly = TestEvents.Answer(poisoner) with { AiModel = PoisonEventCluster.CostlyModel, CostUsd = null, TokensInput = 10, TokensOutput = 2_000_000_000 };
        var others = Enumerable.Range(0, 10).Select(_ => TestEvents.Answer(neighbour) with { CostUsd = null }).ToArray();

        var (poisonerResults, neighbourResults) = await AppendTogetherAsync((poisoner, [costly]), (neighbour, others));

        Assert.All(neighbourResults, r => Assert.Equal(EventAppendOutcome.Stored, r.Outcome));
        var rejected = Assert.Single(poisonerResults);
        Assert.Equal((EventAppendOutcome.Rejected, nameof(StructuredEvent.TokensOutput)), (rejected.Outcome, rejected.Field));
        Assert.Contains("1,000,000 USD", rejected.Error);
        Assert.Equal(0L, await PipelineScalarAsync<long>("select count(*) from observability_events where tenant_id = $1", poisoner.Value));
    }

    public static TheoryData<string, object?, string?> ExtremeValues()
    {
        var data = new TheoryData<string, object?, string?>();
        foreach (var field in new[] { nameof(StructuredEvent.TokensUsed), nameof(StructuredEvent.TokensInput), nameof(StructuredEvent.TokensOutput), nameof(StructuredEvent.TokensCacheRead), nameof(StructuredEvent.TokensCacheWrite) })
        {
            data.Add(field, 0L, null);
            data.Add(field, (long)int.MaxValue, null);
            data.Add(field, StructuredEventValidator.MaxTokens, null);
            data.Add(field, StructuredEventValidator.MaxTokens + 1, field);
            data.Add(field, long.MaxValue, field);
            data.Add(field, -1L, field);
            data.Add(field, long.MinValue, field);
        }

        foreach (var field in new[] { nameof(StructuredEvent.DurationMs), nameof(StructuredEvent.CpuTimeMs) })
        {
            data.Add(field, 0d, null);
            data.Add(field, double.Epsilon, null);
            data.Add(field, StructuredEventValidator.MaxDurationMs, null);
            data.Add(field, StructuredEventValidator.MaxDurationMs * 1.000001, field);
            data.Add(field, double.MaxValue, field);
            data.Add(field, -1d, field);
            data.Add(field, double.NaN, field);
            data.Add(field, double.PositiveInfinity, field);
            data.Add(field, double.NegativeInfinity, field);
        }

        const string accuracy = nameof(StructuredEvent.AccuracyScore);
        data.Add(accuracy, 0d, null);
        data.Add(accuracy, 1d, null);
        data.Add(accuracy, 1.0000001, accuracy);
        data.Add(accuracy, -double.Epsilon, accuracy);
        data.Add(accuracy, double.NaN, accuracy);
        data.Add(accuracy, double.PositiveInfinity, accuracy);

        const string cost = nameof(StructuredEvent.CostUsd);
        data.Add(cost, 0m, null);
        data.Add(cost, 0.000000000001m, null);
        data.Add(cost, 999_999.999999999999m, null);
        data.Add(cost, 1_000_000m, null);
        data.Add(cost, 0.0000000000001m, cost);
        data.Add(cost, 1.0000000000000000000000000001m, cost);
        data.Add(cost, 1_000_000.000000000001m, cost);
        data.Add(cost, decimal.MaxValue, cost);
        data.Add(cost, decimal.MinValue, cost);
        data.Add(cost, -0.000000000001m, cost);

        const string version = nameof(StructuredEvent.SchemaVersion);
        data.Add(version, 0, version);
        data.Add(version, int.MaxValue, version);
        data.Add(version, -1, version);
        return data;
    }

    [Fact]
    public async Task Extreme_values_of_every_numeric_field_are_stored_exactly_or_rejected_naming_the_field_and_never_fail_the_flush()
    {
        var (tenant, neighbour) = TenantsOnOneShard();
        var cases = ExtremeValues().Select(row => (Field: (string)row[0]!, Value: (object?)row[1], Expected: (string?)row[2])).ToArray();
        // Priced from the catalog; a token field is tried alone, so that only its own bound applies.
        var events = cases.Select(c => With(
            c.Field.StartsWith("Tokens", StringComparison.Ordinal)
                ? TestEvents.Answer(tenant) with { CostUsd = null, TokensInput = null, TokensOutput = null }
                : TestEvents.Answer(tenant) with { CostUsd = null },
            c.Field, c.Value)).ToArray();
        // Every token field at its maximum at once: their sum is over the limit.
        events = [.. events, TestEvents.Answer(tenant) with { TokensInput = StructuredEventValidator.MaxTokens, TokensOutput = 1 }];
        cases = [.. cases, (Field: "sum of the token fields", Value: (object?)null, Expected: (string?)nameof(StructuredEvent.TokensInput))];
        var others = Enumerable.Range(0, 10).Select(_ => TestEvents.Answer(neighbour)).ToArray();

        var (results, neighbourResults) = await AppendTogetherAsync((tenant, events), (neighbour, others));

        Assert.All(neighbourResults, r => Assert.Equal(EventAppendOutcome.Stored, r.Outcome));
        for (var i = 0; i < cases.Length; i++)
        {
            var (field, value, expected) = cases[i];
            var what = $"{field} = {Convert.ToString(value, CultureInfo.InvariantCulture)}";
            if (expected is null)
            {
                Assert.True(results[i].Outcome == EventAppendOutcome.Stored, $"{what}: {results[i].Outcome} {results[i].Field} {results[i].Error}");
            }
            else
            {
                Assert.True(results[i].Outcome == EventAppendOutcome.Rejected && results[i].Field == expected,
                    $"{what}: expected rejected naming {expected}, got {results[i].Outcome} {results[i].Field} {results[i].Error}");
            }
        }

        // What was stored reads back as given, and every stored AI event's cost is its ledger row's cost.
        await using var pipeline = TestDatabase.CreateDataSource(PoisonEventCluster.Database.Pipeline);
        foreach (var (e, result) in events.Zip(results).Where(x => x.Second.Outcome == EventAppendOutcome.Stored))
        {
            await using var read = pipeline.CreateCommand($"select {EventRows.EventColumns} from observability_events where tenant_id = $1 and event_id = $2")
                .Bind(tenant.Value).Bind(e.EventId);
            await using var reader = await read.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), $"event {e.EventId} is not stored");
            var stored = EventRows.Read(reader);
            Assert.Equal((e.TokensUsed, e.TokensInput, e.TokensOutput, e.TokensCacheRead, e.TokensCacheWrite), (stored.TokensUsed, stored.TokensInput, stored.TokensOutput, stored.TokensCacheRead, stored.TokensCacheWrite));
            Assert.Equal((e.DurationMs, e.CpuTimeMs, e.AccuracyScore), (stored.DurationMs, stored.CpuTimeMs, stored.AccuracyScore));
            if (e.CostUsd is { } given)
            {
                Assert.Equal(given, stored.CostUsd);
            }

            var ledger = await PipelineScalarAsync<object>("select total_cost_usd from ai_token_usage where tenant_id = $1 and event_id = $2", tenant.Value, e.EventId);
            Assert.Equal(stored.CostUsd, ledger is DBNull ? null : (decimal?)ledger);
        }
    }

    private static StructuredEvent With(StructuredEvent e, string field, object? value) => field switch
    {
        nameof(StructuredEvent.TokensUsed) => e with { TokensUsed = (long)value! },
        nameof(StructuredEvent.TokensInput) => e with { TokensInput = (long)value! },
        nameof(StructuredEvent.TokensOutput) => e with { TokensOutput = (long)value! },
        nameof(StructuredEvent.TokensCacheRead) => e with { TokensCacheRead = (long)value! },
        nameof(StructuredEvent.TokensCacheWrite) => e with { TokensCacheWrite = (long)value! },
        nameof(StructuredEvent.DurationMs) => e with { DurationMs = (double)value! },
        nameof(StructuredEvent.CpuTimeMs) => e with { CpuTimeMs = (double)value! },
        nameof(StructuredEvent.AccuracyScore) => e with { AccuracyScore = (double)value! },
        nameof(StructuredEvent.CostUsd) => e with { CostUsd = (decimal)value! },
        nameof(StructuredEvent.SchemaVersion) => e with { SchemaVersion = (int)value! },
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };

    /// <summary>Two tenants whose events go to the same sink shard.</summary>
    private static (TenantId First, TenantId Second) TenantsOnOneShard()
    {
        var first = TenantId.New();
        TenantId second;
        do
        {
            second = TenantId.New();
        }
        while (EventShards.Of(second, PoisonEventCluster.Shards) != EventShards.Of(first, PoisonEventCluster.Shards));

        return (first, second);
    }

    /// <summary>Appends both tenants' events to their (common) shard at once: the sink's one-second delay puts them in one flush.</summary>
    private async Task<(IReadOnlyList<EventAppendResult> First, IReadOnlyList<EventAppendResult> Second)> AppendTogetherAsync(
        (TenantId Tenant, StructuredEvent[] Events) first, (TenantId Tenant, StructuredEvent[] Events) second)
    {
        var sink = Client.GetGrain<IEventSinkGrain>(EventShards.Of(first.Tenant, PoisonEventCluster.Shards));
        Task<IReadOnlyList<EventAppendResult>> firstCall, secondCall;
        using (TenantScope.Begin(first.Tenant))
        {
            firstCall = sink.AppendBatchAsync(first.Events);
        }

        using (TenantScope.Begin(second.Tenant))
        {
            secondCall = sink.AppendBatchAsync(second.Events);
        }

        return (await firstCall, await secondCall);
    }

    private static async Task OwnerAsync(string sql)
    {
        await using var owner = NpgsqlDataSource.Create(PoisonEventCluster.Database.Owner);
        await using var command = owner.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> PipelineScalarAsync<T>(string sql, params object[] values)
    {
        await using var pipeline = TestDatabase.CreateDataSource(PoisonEventCluster.Database.Pipeline);
        await using var command = pipeline.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Bind(value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
