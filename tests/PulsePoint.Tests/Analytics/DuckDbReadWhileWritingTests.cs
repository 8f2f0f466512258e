using DuckDB.NET.Data;
using PulsePoint.Analytics;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Destinations;

namespace PulsePoint.Tests.Analytics;

/// <summary>
/// How analytics may read the DuckDB file that the silo writes: through a second connection to the writer's own
/// in-process database (works, concurrently with writes), not through a separate read-only open of the file.
/// </summary>
public sealed class DuckDbReadWhileWritingTests
{
    [Fact]
    public async Task Reports_read_through_the_writers_database_while_batches_are_being_written()
    {
        await using var store = await AnalyticsTestWarehouse.CreateAsync();
        var tenant = await store.CreateTenantAsync("Reader");
        var day = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
        var range = new AnalyticsRange(day, day.AddDays(1));

        var writes = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await store.Warehouse.DeliverAsync(TestEvents.Many(tenant, day.AddMinutes(i), 50), CancellationToken.None);
            }
        });
        var seen = new List<long>();
        while (!writes.IsCompleted)
        {
            var usage = await store.Analytics.DailyModelUsageAsync(tenant, range);
            seen.Add(usage.Rows.Sum(r => r.Operations));
        }

        await writes;
        var final = await store.Analytics.DailyModelUsageAsync(tenant, range);

        // Each read sees whole committed batches (a multiple of 50), never a torn one, and the last sees all.
        Assert.All(seen, count => Assert.Equal(0, count % 50));
        Assert.Equal(1000, final.Rows.Sum(r => r.Operations));
    }

    [Fact]
    public async Task A_read_only_connection_string_in_the_writing_process_gets_the_writers_database_not_a_read_only_one()
    {
        await using var store = await AnalyticsTestWarehouse.CreateAsync();
        var tenant = TenantId.New();
        var day = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
        await store.Warehouse.DeliverAsync(TestEvents.Many(tenant, day, 10), CancellationToken.None);

        // DuckDB.NET keeps one database instance per file in a process. While the writer has it open, a connection
        // string asking for ACCESS_MODE=READ_ONLY silently gets that same writable instance: it sees later writes
        // (no snapshot of the file), and a write through it succeeds. So "read-only" cannot be had in the writing
        // process; the analytics code only ever runs its SELECT constants, and the report verb opens the file
        // truly read-only only in a process that does not write it.
        await using var readOnly = new DuckDBConnection($"Data Source={store.Path};ACCESS_MODE=READ_ONLY");
        readOnly.Open();
        Assert.Equal(10L, Scalar(readOnly, "select count(*) from observability_events"));
        await store.Warehouse.DeliverAsync(TestEvents.Many(tenant, day, 10), CancellationToken.None);
        Assert.Equal(20L, Scalar(readOnly, "select count(*) from observability_events"));
        Assert.Equal("automatic", Scalar(readOnly, "select current_setting('access_mode')"));
        using var write = readOnly.CreateCommand();
        write.CommandText = "create table main.read_only_probe (x int); drop table main.read_only_probe";
        write.ExecuteNonQuery();
    }

    private static object? Scalar(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = command.ExecuteScalar();
        return value is long or int or System.Numerics.BigInteger ? Convert.ToInt64(value) : value;
    }
}
