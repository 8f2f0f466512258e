using System.Diagnostics;
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

/// <summary>Tests that stop the test PostgreSQL: they run alone, after every parallel collection.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresOutageCollection
{
    public const string Name = "postgres-outage";
}

/// <summary>
/// Stops and restarts the real test PostgreSQL with <c>deploy/postgres.sh</c>, using the
/// PULSEPOINT_PG_PORT / PULSEPOINT_PG_DIR that <c>deploy/test.sh</c> exports.
/// </summary>
[Collection(PostgresOutageCollection.Name)]
public sealed class PostgresOutageTests : IAsyncLifetime
{
    /// <summary>Its own database: this cluster's sinks would otherwise share shards 0-1 with the main fixture's.</summary>
    private static readonly TestDatabase.ClusterDatabase Database = TestDatabase.ForCluster("pulsepoint_test_outage");

    private InProcessTestCluster _cluster = null!;

    private EventTracker Events => new(_cluster.Client);

    public async Task InitializeAsync()
    {
        await Database.EnsureCreatedAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PulsePoint:Database:Application"] = Database.Application,
            ["PulsePoint:Database:Orleans"] = Database.Orleans,
            ["PulsePoint:Database:TenantContextKey"] = TestDatabase.TenantContextKey,
            ["PulsePoint:Database:Pipeline"] = Database.Pipeline,
            ["PulsePoint:Events:Shards"] = "2",
            ["PulsePoint:Events:FlushTimeout"] = "00:00:02",
            ["PulsePoint:Events:RelayInitialBackoff"] = "00:00:00.050",
            ["PulsePoint:Events:RelayMaxBackoff"] = "00:00:00.500",
        }).Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddPulsePointGrains(configuration).AddTestGrainStorage(Database));
        builder.ConfigureClient(client => client.AddPulsePointTenantPropagation().AddPulsePointOperatorCalls(Database.Pipeline));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await PostgresAsync("start");
        // Orleans' ADO.NET providers open connections by connection string, from Npgsql's process-wide
        // pools: drop the idle ones of the old server, or the next test cluster's silo meets them at
        // start-up (57P01) and fails to start.
        NpgsqlConnection.ClearAllPools();
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task EventSink_with_postgres_stopped_fails_appends_as_unavailable_and_loses_no_acknowledged_event()
    {
        var tenant = TenantId.New();
        var before = Enumerable.Range(0, 20).Select(_ => TestEvents.Answer(tenant)).ToArray();
        Assert.All(await Task.WhenAll(before.Select(Events.TrackAsync)), o => Assert.Equal(EventAppendOutcome.Stored, o));

        await PostgresAsync("stop");
        var during = Enumerable.Range(0, 20).Select(_ => TestEvents.Answer(tenant)).ToArray();
        var attempts = await Task.WhenAll(during.Select(async e =>
        {
            try
            {
                await Events.TrackAsync(e);
                return (Exception?)null;
            }
            catch (Exception error)
            {
                return error;
            }
        }));
        Assert.All(attempts, error => Assert.True(
            error is EventSinkUnavailableException or EventSinkOverloadedException,
            $"expected unavailable or overloaded, got {error?.GetType().Name ?? "success"}: {error?.Message}"));

        await PostgresAsync("start");
        // Clients retry what was not acknowledged; the first flush may still meet a pooled connection of the old server.
        foreach (var e in during)
        {
            await RetryAsync(() => Events.TrackAsync(e));
        }

        Assert.Equal(EventAppendOutcome.AlreadyStored, await Events.TrackAsync(before[0]));
        var rows = await TestEvents.RowCountsAsync(tenant, Database.Pipeline);
        Assert.Equal(before.Concat(during).Select(e => e.EventId).Order(), rows.Keys.Order());
        Assert.All(rows.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task A_recount_asked_for_just_after_a_postgres_restart_reaches_the_ledger_through_the_broken_pool()
    {
        // The sink asks a billing grain to recount when a retried AI event was stored by a flush whose commit
        // answer was lost: that is right after PostgreSQL came back, when the grain's pooled connections are
        // the old server's. The recount must still reach the ledger, not leave the counters behind it.
        var tenant = TenantId.New();
        foreach (var answer in Enumerable.Range(0, 5).Select(_ => TestEvents.Answer(tenant)))
        {
            await Events.TrackAsync(answer);
        }

        var billing = _cluster.Client.GetGrain<ITenantBillingGrain>(tenant.Value);
        using var scope = TenantScope.Begin(tenant);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await billing.GetCostCountersAsync()).Events < 5 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await PostgresAsync("stop");
        await PostgresAsync("start");
        await _cluster.Client.GetGrain<ITenantUsageFeed>(tenant.Value).RecountAsync();

        var counters = await billing.GetCostCountersAsync();
        await using var pipeline = TestDatabase.CreateDataSource(Database.Pipeline);
        await using var ledger = pipeline.CreateCommand(
            "select count(*), coalesce(sum(total_cost_usd), 0) from ai_token_usage where tenant_id = $1").Bind(tenant.Value);
        await using var reader = await ledger.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal((reader.GetInt64(0), reader.GetDecimal(1)), (counters.Events, counters.CostUsd));
        Assert.Equal(5, counters.Events);
    }

    private static async Task RetryAsync(Func<Task> append)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await append();
                return;
            }
            catch (EventSinkUnavailableException) when (attempt < 5)
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task PostgresAsync(string verb)
    {
        if (Environment.GetEnvironmentVariable("PULSEPOINT_PG_DIR") is not { Length: > 0 })
        {
            throw new InvalidOperationException(
                "This test stops and restarts the test PostgreSQL; run it through deploy/test.sh, or export PULSEPOINT_PG_PORT and PULSEPOINT_PG_DIR of the server you started with deploy/postgres.sh.");
        }

        var script = Path.Combine(Repository.Root, "deploy", "postgres.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script, verb]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"postgres.sh {verb} failed: {await stderr}");
    }
}
