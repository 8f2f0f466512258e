using System.Diagnostics;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PulsePoint.Destinations;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.Destinations;

/// <summary>The embedded warehouse, on a real DuckDB file in a temporary folder.</summary>
public sealed class DuckDbWarehouseTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pulsepoint-duckdb-" + Guid.NewGuid().ToString("N"));
    private readonly FixedTime _time = new(Now);
    private DuckDbWarehouse _warehouse = null!;

    private string DatabasePath => Path.Combine(_folder, "warehouse.duckdb");

    public Task InitializeAsync()
    {
        _warehouse = Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _warehouse.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task DuckDbWarehouse_stores_exactly_the_delivered_events_with_every_field()
    {
        var tenant = TenantId.New();
        var full = TestEvents.Full(tenant, Now.AddMinutes(-1).ToOffset(TimeSpan.FromHours(2)));
        var minimal = TestEvents.Minimal(TenantId.New(), Now);

        await _warehouse.DeliverAsync([full, minimal], CancellationToken.None);

        await using var connection = await _warehouse.OpenReadConnectionAsync(CancellationToken.None);
        Assert.Equal(2L, await ScalarAsync(connection, "select count(*) from observability_events"));

        await using var read = connection.CreateCommand();
        read.CommandText = """
            select event_id, request_id, tenant_id, user_id, brand_id, category, event_type, severity, status,
                   epoch_us("timestamp"), duration_ms, cpu_time_ms, tokens_used, tokens_input, tokens_output,
                   tokens_cache_read, tokens_cache_write, cost_usd, accuracy_score, was_cached, fallback_used,
                   error_code, error_message, ai_model, schema_version
            from observability_events where event_id = $id
            """;
        read.Parameters.Add(new DuckDBParameter("id", full.EventId));
        await using var row = await read.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal(full.EventId, row.GetGuid(0));
        Assert.Equal(full.RequestId, row.GetString(1));
        Assert.Equal(tenant.Value, row.GetGuid(2));
        Assert.Equal(full.UserId, row.GetString(3));
        Assert.Equal(full.BrandId, row.GetGuid(4));
        Assert.Equal("ai.operations", row.GetString(5));
        Assert.Equal("ai.answer_generated", row.GetString(6));
        Assert.Equal("warning", row.GetString(7));
        Assert.Equal("partial", row.GetString(8));
        Assert.Equal((full.Timestamp.UtcTicks - DateTime.UnixEpoch.Ticks) / 10, row.GetInt64(9));
        Assert.Equal(full.DurationMs, row.GetDouble(10));
        Assert.Equal(full.CpuTimeMs, row.GetDouble(11));
        Assert.Equal(full.TokensUsed, row.GetInt64(12));
        Assert.Equal(full.TokensInput, row.GetInt64(13));
        Assert.Equal(full.TokensOutput, row.GetInt64(14));
        Assert.Equal(full.TokensCacheRead, row.GetInt64(15));
        Assert.Equal(full.TokensCacheWrite, row.GetInt64(16));
        Assert.Equal(full.CostUsd, row.GetDecimal(17));
        Assert.Equal(full.AccuracyScore, row.GetDouble(18));
        Assert.True(row.GetBoolean(19));
        Assert.Equal(full.FallbackUsed, row.GetString(20));
        Assert.Equal(full.ErrorCode, row.GetString(21));
        Assert.Equal(full.ErrorMessage, row.GetString(22));
        Assert.Equal(full.AiModel, row.GetString(23));
        Assert.Equal(StructuredEvent.CurrentSchemaVersion, row.GetInt32(24));

        await using var nulls = connection.CreateCommand();
        nulls.CommandText = """
            select count(*) from observability_events
            where event_id = $id and request_id is null and user_id is null and brand_id is null and duration_ms is null
              and tokens_used is null and cost_usd is null and accuracy_score is null and was_cached = false
              and category = 'api.lifecycle' and severity = 'info' and status = 'success'
            """;
        nulls.Parameters.Add(new DuckDBParameter("id", minimal.EventId));
        Assert.Equal(1L, Convert.ToInt64(await nulls.ExecuteScalarAsync()));
    }

    [Fact]
    public async Task DuckDbWarehouse_redelivery_makes_no_duplicate()
    {
        var events = TestEvents.Many(TenantId.New(), Now, 300);

        await _warehouse.DeliverAsync(events, CancellationToken.None);
        await _warehouse.DeliverAsync(events, CancellationToken.None);
        // A relay retry can overlap what was delivered, and one batch may carry an event twice.
        var extra = TestEvents.Many(TenantId.New(), Now, 5);
        await _warehouse.DeliverAsync([.. events.Take(10), .. extra, extra[0]], CancellationToken.None);

        await using var connection = await _warehouse.OpenReadConnectionAsync(CancellationToken.None);
        Assert.Equal(305L, await ScalarAsync(connection, "select count(*) from observability_events"));
        Assert.Equal(305L, await ScalarAsync(connection, "select count(distinct event_id) from observability_events"));
    }

    [Fact]
    public async Task DuckDbWarehouse_survives_reopening_and_keeps_rows()
    {
        var events = TestEvents.Many(TenantId.New(), Now, 3);
        await _warehouse.DeliverAsync(events, CancellationToken.None);
        await _warehouse.DisposeAsync();

        _warehouse = Create();
        await _warehouse.DeliverAsync(events, CancellationToken.None);
        await using var connection = await _warehouse.OpenReadConnectionAsync(CancellationToken.None);
        Assert.Equal(3L, await ScalarAsync(connection, "select count(*) from observability_events"));
    }

    [Fact]
    public async Task DuckDbWarehouse_retention_deletes_only_events_older_than_seven_years()
    {
        var tenant = TenantId.New();
        var old = TestEvents.Full(tenant, Now.AddYears(-7).AddSeconds(-1));
        var kept = TestEvents.Full(tenant, Now.AddYears(-7).AddSeconds(1), 1);
        var recent = TestEvents.Minimal(tenant, Now);
        await _warehouse.DeliverAsync([old, kept, recent], CancellationToken.None);

        var deleted = await _warehouse.ApplyRetentionAsync(CancellationToken.None);

        Assert.Equal(1, deleted);
        await using var connection = await _warehouse.OpenReadConnectionAsync(CancellationToken.None);
        await using var ids = connection.CreateCommand();
        ids.CommandText = "select event_id from observability_events order by \"timestamp\"";
        var remaining = new List<Guid>();
        await using (var reader = await ids.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                remaining.Add(reader.GetGuid(0));
            }
        }

        Assert.Equal([kept.EventId, recent.EventId], remaining);
    }

    [Fact]
    public async Task DuckDbWarehouse_refuses_when_another_process_writes_the_file()
    {
        await _warehouse.DisposeAsync();
        Directory.CreateDirectory(_folder);
        // A real second process holding the writer lock, the way a second silo would. -o: only flock
        // itself holds the lock (not its shell child), so it is released exactly when flock is gone.
        using var other = Process.Start(new ProcessStartInfo("flock", ["-o", "-x", DatabasePath + ".writer.lock", "-c", "echo locked; exec sleep 60"])
        {
            RedirectStandardOutput = true,
        })!;
        try
        {
            Assert.Equal("locked", await other.StandardOutput.ReadLineAsync());

            _warehouse = Create();
            var refused = Assert.Throws<DuckDbWarehouseLockedException>(() => _warehouse.Open());
            Assert.Contains("one writing process per file", refused.Message);
            Assert.Contains("Warehouse=BigQuery", refused.Message);
            await Assert.ThrowsAsync<DuckDbWarehouseLockedException>(
                () => _warehouse.DeliverAsync([TestEvents.Minimal(TenantId.New(), Now)], CancellationToken.None));
        }
        finally
        {
            other.Kill(entireProcessTree: true);
            await other.WaitForExitAsync();
        }

        // Once the other writer is gone, this process can take over.
        await _warehouse.DeliverAsync([TestEvents.Minimal(TenantId.New(), Now)], CancellationToken.None);
    }

    [Fact]
    public async Task DuckDbWarehouse_clustering_orders_rows_by_tenant_and_time_and_keeps_insert_or_ignore_and_retention()
    {
        // Three tenants interleaved, newest first: the opposite of the clustered order.
        var tenants = new[] { TenantId.New(), TenantId.New(), TenantId.New() };
        var events = Enumerable.Range(0, 60).Select(i => TestEvents.Full(tenants[i % 3], Now.AddMinutes(-i), i)).ToList();
        var old = TestEvents.Full(tenants[1], Now.AddYears(-8), 99);
        await _warehouse.DeliverAsync([.. events, old], CancellationToken.None);
        await using var reader = await _warehouse.OpenReadConnectionAsync(CancellationToken.None);

        Assert.Equal(61, await _warehouse.ClusterAsync(CancellationToken.None));

        // Physical order (rowid) is (tenant_id, timestamp) now, which is what lets zone maps skip row groups.
        await using (var order = reader.CreateCommand())
        {
            order.CommandText = """select tenant_id, "timestamp" from observability_events order by rowid""";
            var rows = new List<(Guid Tenant, DateTime At)>();
            await using var read = await order.ExecuteReaderAsync();
            while (await read.ReadAsync())
            {
                rows.Add((read.GetGuid(0), read.GetDateTime(1)));
            }

            Assert.Equal(61, rows.Count);
            Assert.Equal(rows.OrderBy(r => r.Tenant.ToString()).ThenBy(r => r.At), rows);
        }

        // The rewritten table keeps the primary key: re-delivery inserts nothing twice, new events still land.
        var fresh = TestEvents.Minimal(tenants[0], Now);
        await _warehouse.DeliverAsync([.. events.Take(20), fresh], CancellationToken.None);
        Assert.Equal(62L, await ScalarAsync(reader, "select count(*) from observability_events"));
        Assert.Equal(62L, await ScalarAsync(reader, "select count(distinct event_id) from observability_events"));
        Assert.Equal(1, await _warehouse.ApplyRetentionAsync(CancellationToken.None));
        Assert.Equal(61, await _warehouse.ClusterAsync(CancellationToken.None));
        Assert.Equal(61L, await ScalarAsync(reader, "select count(*) from observability_events"));
    }

    private DuckDbWarehouse Create() =>
        new(Options.Create(new DuckDbOptions { Path = DatabasePath }), _time, NullLogger<DuckDbWarehouse>.Instance);

    private static async Task<long> ScalarAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
