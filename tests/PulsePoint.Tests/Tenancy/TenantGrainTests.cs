using Microsoft.Extensions.DependencyInjection;
using PulsePoint.Client;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Tenancy;

[Collection(ClusterCollection.Name)]
public sealed class TenantGrainTests(ClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    [Fact]
    public async Task TenantGrain_new_tenant_is_active_and_deactivation_is_seen_by_the_next_call()
    {
        var tenant = await TestTenants.CreateAsync(Client, "Acme");
        Assert.Equal(TenantStatus.Active, await Client.GetTenantStatusAsync(tenant));

        using (TenantScope.Begin(tenant))
        {
            await Client.GetGrain<ITenantAdminGrain>(tenant.Value).DeactivateAsync();
        }

        Assert.Equal(TenantStatus.Inactive, await Client.GetTenantStatusAsync(tenant));
        Assert.False(await Client.IsTenantActiveAsync(tenant));

        using (TenantScope.Begin(tenant))
        {
            await Client.GetGrain<ITenantAdminGrain>(tenant.Value).ActivateAsync();
        }

        Assert.True(await Client.IsTenantActiveAsync(tenant));
    }

    [Fact]
    public async Task TenantGrain_unknown_tenant_is_not_found_and_the_answer_is_cached()
    {
        var unknown = TenantId.New();
        Assert.Equal(TenantStatus.NotFound, await Client.GetTenantStatusAsync(unknown));
        Assert.Equal(TenantStatus.NotFound, await Client.GetTenantStatusAsync(unknown));

        using (TenantScope.Begin(unknown))
        {
            var snapshot = await Client.GetGrain<ITenantGrain>(unknown.Value).GetSnapshotAsync();
            Assert.Equal(TenantStatus.NotFound, snapshot.Status);
            Assert.Equal(1, snapshot.DatabaseLoads - snapshot.TimerRefreshes);
            await Assert.ThrowsAsync<TenantNotFoundException>(() => Client.GetGrain<ITenantAdminGrain>(unknown.Value).DeactivateAsync());
        }
    }

    [Fact]
    public async Task TenantGrain_1000_checks_on_a_warm_tenant_cause_no_database_load()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        using var scope = TenantScope.Begin(tenant);
        var grain = Client.GetGrain<ITenantGrain>(tenant.Value);
        var before = await grain.GetSnapshotAsync();

        var checks = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => grain.GetStatusAsync()));

        var after = await grain.GetSnapshotAsync();
        Assert.All(checks, s => Assert.Equal(TenantStatus.Active, s));
        // Only the periodic refresh timer may have read PostgreSQL meanwhile; no check did.
        Assert.Equal(before.DatabaseLoads - before.TimerRefreshes, after.DatabaseLoads - after.TimerRefreshes);
    }

    [Fact]
    public async Task TenantGrain_out_of_band_edit_is_picked_up_after_the_refresh_period()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        Assert.Equal(TenantStatus.Active, await Client.GetTenantStatusAsync(tenant));

        await using var dataSource = TestDatabase.CreateDataSource(TestDatabase.Application);
        await new TenantDatabase(dataSource, TestDatabase.TenantContext).RunAsync(tenant, async session =>
        {
            await using var edit = session.Command("update tenants set status = 'inactive' where id = $1");
            Assert.Equal(1, await edit.ExecuteNonQueryAsync());
        });

        var deadline = DateTime.UtcNow + ClusterFixture.RefreshPeriod * 4;
        var status = TenantStatus.Active;
        while (status == TenantStatus.Active && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            status = await Client.GetTenantStatusAsync(tenant);
        }

        Assert.Equal(TenantStatus.Inactive, status);
    }

    [Fact]
    public async Task TenantGrain_first_refresh_comes_after_a_random_half_to_one_and_a_half_periods()
    {
        // Forty tenants activated at once. With a fixed first due time their refresh timers would fire together
        // every period. The rows are written straight to the database, so that each grain's first read is its
        // activation's. What each grain chose is checked exactly; when the timers fire is only checked to be
        // no sooner than chosen (a grain timer never fires early; a busy machine makes them late, never early).
        var tenants = Enumerable.Range(0, 40).Select(_ => TenantId.New()).ToArray();
        await using (var dataSource = TestDatabase.CreateDataSource(TestDatabase.Application))
        {
            var database = new TenantDatabase(dataSource, TestDatabase.TenantContext);
            foreach (var tenant in tenants)
            {
                await database.RunAsync(tenant, async session =>
                {
                    await using var insert = session.Command("insert into tenants (id, name) values ($1, 'Refresh test')");
                    await insert.ExecuteNonQueryAsync();
                });
            }
        }

        async Task<TenantSnapshot[]> SnapshotsAsync() => await Task.WhenAll(tenants.Select(async tenant =>
        {
            using var scope = TenantScope.Begin(tenant);
            return await Client.GetGrain<ITenantGrain>(tenant.Value).GetSnapshotAsync();
        }));

        var activated = await SnapshotsAsync();
        var period = ClusterFixture.RefreshPeriod;
        var chosen = activated.Select(s => s.FirstRefreshDue / period).ToArray();
        var shown = string.Join(", ", chosen.Select(d => d.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(chosen, d => Assert.InRange(d, 0.5, 1.5));
        // Forty uniform draws over one period span at least half of it but for a chance below 1e-10.
        Assert.True(chosen.Max() - chosen.Min() > 0.5, $"first refreshes due after {shown} periods");

        var deadline = DateTime.UtcNow + period * 30;
        var snapshots = activated;
        while (snapshots.Any(s => s.TimerRefreshes == 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            snapshots = await SnapshotsAsync();
        }

        Assert.All(activated, s => Assert.Equal(0, s.TimerRefreshes));
        Assert.All(snapshots, s => Assert.True(s.TimerRefreshes > 0, "a tenant grain's refresh timer never fired"));
        // The first refresh's read, from the last one seen: each later one comes at least a period after the one before.
        Assert.All(activated.Zip(snapshots), pair =>
        {
            var (first, last) = pair;
            var firstRefreshAtLatest = last.LoadedAt - period * (last.TimerRefreshes - 1);
            Assert.True(firstRefreshAtLatest - first.LoadedAt >= first.FirstRefreshDue - TimeSpan.FromMilliseconds(20),
                $"a refresh came {(firstRefreshAtLatest - first.LoadedAt) / period:0.00} periods after activation, before its due time {first.FirstRefreshDue / period:0.00}");
        });
    }

    [Fact]
    public async Task TenantGrain_refreshes_read_through_a_pool_of_their_own()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        using var scope = TenantScope.Begin(tenant);
        var grain = Client.GetGrain<ITenantGrain>(tenant.Value);
        var deadline = DateTime.UtcNow + ClusterFixture.RefreshPeriod * 4;
        while ((await grain.GetSnapshotAsync()).TimerRefreshes == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True((await grain.GetSnapshotAsync()).TimerRefreshes > 0, "the refresh timer never fired");
        // The application role's sessions are visible to it in full: the background pool's connections carry
        // their own application name, and what they last ran is a timer's re-read of a row (a tenant's, with its spend limits for billing, or a tenant's or an operator's API key).
        await using var dataSource = TestDatabase.CreateDataSource(TestDatabase.Application);
        await using var sessions = dataSource.CreateCommand(
            "select query from pg_stat_activity where usename = current_user and application_name = $1 and pid <> pg_backend_pid()")
            .Bind(DataSources.BackgroundApplicationName);
        var queries = new List<string>();
        await using (var reader = await sessions.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                queries.Add(reader.GetString(0));
            }
        }

        Assert.NotEmpty(queries);
        Assert.Contains(queries, query => query.Contains("from tenants where id = $1", StringComparison.Ordinal));
        // Npgsql's own statements may be the last seen while a re-read begins: the reset between a connection's
        // uses, and the type loading of a new physical connection.
        string[] npgsql = ["SET SESSION AUTHORIZATION DEFAULT;RESET ALL;", "DISCARD ALL", "SELECT version();"];
        Assert.All(queries, query => Assert.True(
            query.Contains("from tenants where id = $1", StringComparison.Ordinal)
            || (query.Contains("from tenants t", StringComparison.Ordinal) && query.Contains("where t.id = $1", StringComparison.Ordinal))
            || query.Contains("from api_keys where key_id = $1", StringComparison.Ordinal)
            || query.Contains("from operator_api_keys where key_id = $1", StringComparison.Ordinal)
            || npgsql.Any(own => query.StartsWith(own, StringComparison.Ordinal)),
            $"the background pool ran something other than a timer's re-read: {query}"));
    }

    [Fact]
    public async Task TenantGrain_idle_unknown_tenant_activation_is_collected()
    {
        var unknown = TenantId.New();
        using var scope = TenantScope.Begin(unknown);
        var grain = Client.GetGrain<ITenantGrain>(unknown.Value);
        var first = await grain.GetSnapshotAsync();

        await TestGrains.GoneAsync(Client, grain);

        // A collected activation starts over: one load, made after the first activation's.
        var second = await grain.GetSnapshotAsync();
        Assert.Equal(1, second.DatabaseLoads);
        Assert.True(second.LoadedAt > first.LoadedAt);
    }

    [Fact]
    public async Task TenantGrain_deactivation_through_one_silo_is_seen_at_once_through_the_other()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        var silos = fixture.Cluster.Silos;
        Assert.True(silos.Count >= 2, "the fixture runs two silos");
        // Each silo's own grain factory sends from that silo, so the two calls enter the cluster at different silos.
        var first = silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();
        var second = silos[1].ServiceProvider.GetRequiredService<IGrainFactory>();
        CallerTenant.Set(tenant);
        try
        {
            Assert.Equal(TenantStatus.Active, await second.GetGrain<ITenantGrain>(tenant.Value).GetStatusAsync());

            await first.GetGrain<ITenantAdminGrain>(tenant.Value).DeactivateAsync();

            Assert.Equal(TenantStatus.Inactive, await second.GetGrain<ITenantGrain>(tenant.Value).GetStatusAsync());
        }
        finally
        {
            CallerTenant.Clear();
        }
    }

    [Fact]
    public async Task TenantGrain_rejects_blank_names()
    {
        var tenant = TenantId.New();
        using var scope = TenantScope.Begin(tenant);
        await Assert.ThrowsAsync<ArgumentException>(() => Client.GetGrain<ITenantAdminGrain>(tenant.Value).CreateAsync("  "));
    }
}
