using System.Collections.Concurrent;
using Npgsql;
using PulsePoint.Brands;
using PulsePoint.Client;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Isolation;

/// <summary>
/// The tenant-isolation attack suite: each case attacks as tenant A (or as no tenant) while
/// tenant B has rows, and asserts zero foreign rows and no existence signal. Each first checks that B's
/// rows exist, so an empty database cannot make a case pass.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TenantIsolationAttackTests(ClusterFixture fixture) : IAsyncLifetime
{
    private static readonly string[] TenantTables = ["tenants", "brands", "orders", "ad_performance"];

    private static readonly string[] Injections =
    [
        "' or '1'='1",
        "11111111-1111-4111-8111-111111111111' or tenant_id is not null --",
        "'; set row_security = off; --",
        "11111111-1111-4111-8111-111111111111; drop table brands",
        "{11111111-1111-4111-8111-111111111111}",
        " 11111111-1111-4111-8111-111111111111",
        "00000000-0000-0000-0000-000000000000",
        "",
    ];

    private NpgsqlDataSource _application = null!;
    private NpgsqlDataSource _pipeline = null!;
    private NpgsqlDataSource _owner = null!;
    private TenantDatabase _database = null!;
    private TenantId _a;
    private TenantId _b;
    private Guid _brandA;
    private Guid _brandB;
    private Guid _orderB;

    private IGrainFactory Grains => fixture.Client;

    public async Task InitializeAsync()
    {
        _application = TestDatabase.CreateDataSource(TestDatabase.Application);
        _pipeline = TestDatabase.CreateDataSource(TestDatabase.Pipeline);
        _owner = TestDatabase.CreateDataSource(TestDatabase.Owner);
        _database = new TenantDatabase(_application, TestDatabase.TenantContext);
        _a = await TestTenants.CreateAsync(Grains, "Attacker A");
        _b = await TestTenants.CreateAsync(Grains, "Victim B");
        _brandA = await TestBrands.CreateAsync(Grains, _a, "A brand", 1m);
        _brandB = await TestBrands.CreateAsync(Grains, _b, "B secret brand", 1000m);
        _orderB = Guid.NewGuid();
        using var scope = TenantScope.Begin(_b);
        var grainB = TestBrands.Grain(Grains, _b, _brandB);
        await grainB.RecordOrderAsync(new BrandOrder(_orderB, 2000m, DateTimeOffset.UtcNow));
        await grainB.RecordAdPerformanceAsync(new AdPerformanceEntry("b-campaign", DateOnly.FromDateTime(DateTime.UtcNow), 10m, 100, 1));
    }

    public async Task DisposeAsync()
    {
        await _application.DisposeAsync();
        await _pipeline.DisposeAsync();
        await _owner.DisposeAsync();
    }

    [Fact]
    public async Task Attack01_query_without_tenant_context_as_the_application_role_returns_no_rows()
    {
        foreach (var table in TenantTables)
        {
            Assert.True(await CountAllAsync(table) > 0, $"precondition: {table} has rows");
            await using var count = _application.CreateCommand($"select count(*) from {table}");
            Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
        }
    }

    [Fact]
    public async Task Attack02_injection_strings_as_tenant_or_brand_ids_are_rejected_before_sql()
    {
        using var scope = TenantScope.Begin(_a);
        foreach (var text in Injections)
        {
            Assert.False(TenantId.TryParse(text, out _), text);
            Assert.Throws<InvalidTenantIdException>(() => TenantId.Parse(text));
            Assert.Throws<InvalidTenantIdException>(() => TenantScope.Begin(text));
            Assert.Throws<InvalidBrandIdException>(() => BrandId.Parse(text));

            // Smuggled into RequestContext, it reads as "no tenant", which the silo refuses.
            RequestContext.Set(CallerTenant.RequestContextKey, text);
            Assert.Null(CallerTenant.Current);
            RequestContext.Clear();

            // As the grain key's tenant part it never matches the caller, so the call never reaches SQL
            // (Orleans itself refuses an empty key extension when the reference is made).
            if (string.IsNullOrWhiteSpace(text))
            {
                Assert.Throws<ArgumentException>(() => Grains.GetGrain<IBrandGrain>(_brandB, text));
            }
            else
            {
                await Assert.ThrowsAsync<TenantMismatchException>(() => Grains.GetGrain<IBrandGrain>(_brandB, text).GetSummaryAsync(TestBrands.Today()));
            }
        }

        await Assert.ThrowsAsync<InvalidBrandIdException>(() => TestBrands.Grain(Grains, _a, Guid.Empty).GetSummaryAsync(TestBrands.Today()));
    }

    [Fact]
    public async Task Attack03_a_pooled_connection_reused_across_tenants_carries_nothing_over()
    {
        await using var single = TestDatabase.CreateDataSource(TestDatabase.Application, maxPoolSize: 1);
        var database = new TenantDatabase(single, TestDatabase.TenantContext);

        var (pidA, ownersA) = await database.RunAsync(_a, session => BackendAndBrandOwnersAsync(session.Command("select 1")));
        Assert.Equal([_a.Value], ownersA);

        // The same physical connection, handed out with no tenant: the setting died with A's transaction.
        await using (var connection = await single.OpenConnectionAsync())
        {
            await using var probe = new NpgsqlCommand(
                "select pg_backend_pid(), coalesce(current_setting('app.current_tenant_id', true), ''), (select count(*) from brands)", connection);
            await using var reader = await probe.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal(pidA, reader.GetInt32(0));
            Assert.Equal("", reader.GetString(1));
            Assert.Equal(0L, reader.GetInt64(2));
        }

        var (pidB, ownersB) = await database.RunAsync(_b, session => BackendAndBrandOwnersAsync(session.Command("select 1")));
        Assert.Equal(pidA, pidB);
        Assert.Equal([_b.Value], ownersB);
    }

    [Fact]
    public async Task Attack04_brand_grain_keyed_to_tenant_b_called_under_tenant_a_is_rejected_by_the_call_filter()
    {
        using var scope = TenantScope.Begin(_a);
        var grainOfB = TestBrands.Grain(Grains, _b, _brandB);
        Func<Task>[] calls =
        [
            () => grainOfB.GetSummaryAsync(TestBrands.Today()),
            () => grainOfB.GetAsync(),
            () => grainOfB.RenameAsync("pwned"),
            () => grainOfB.RecordOrderAsync(new BrandOrder(Guid.NewGuid(), 1m, DateTimeOffset.UtcNow)),
            () => Grains.GetGrain<IBrandMetricsGrain>(_b.Value).GetCrossBrandMetricsAsync(TestBrands.Today()),
        ];
        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<TenantMismatchException>(call);
            Assert.DoesNotContain(_b.ToString(), error.Message);
            Assert.DoesNotContain(_brandB.ToString(), error.Message);
        }

        using var asB = TenantScope.Begin(_b);
        var untouched = await TestBrands.Grain(Grains, _b, _brandB).GetSummaryAsync(TestBrands.Today());
        Assert.Equal(("B secret brand", 2L, 3000m), (untouched.Name, untouched.Orders, untouched.RevenueUsd));
    }

    [Fact]
    public async Task Attack05_insert_or_update_with_another_tenants_id_is_refused_by_with_check()
    {
        string[] writes =
        [
            "insert into brands (tenant_id, id, name) values ($2, gen_random_uuid(), 'smuggled')",
            "insert into orders (tenant_id, id, brand_id, amount_usd, created_at) values ($2, gen_random_uuid(), $3, 1, now())",
            "update brands set tenant_id = $2 where tenant_id = $1",
            "update tenants set id = $2 where id = $1",
        ];
        foreach (var sql in writes)
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => _database.RunAsync(_a, async session =>
            {
                await using var write = session.Command(sql).Bind(_b.Value).Bind(_brandB);
                await write.ExecuteNonQueryAsync();
            }));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        }

        // Updates and deletes aimed at B's rows find nothing to touch.
        var touched = await _database.RunAsync(_a, async session =>
        {
            await using var update = session.Command("update brands set name = 'pwned' where tenant_id = $2 or id = $3").Bind(_b.Value).Bind(_brandB);
            await using var delete = session.Command("delete from orders where tenant_id = $2 or id = $3").Bind(_b.Value).Bind(_orderB);
            return await update.ExecuteNonQueryAsync() + await delete.ExecuteNonQueryAsync();
        });
        Assert.Equal(0, touched);
        Assert.Equal(2L, await CountForTenantAsync("orders", _b));
    }

    [Fact]
    public async Task Attack06_an_order_referencing_another_tenants_brand_is_refused_like_an_unknown_brand()
    {
        async Task<string> Refusal(Guid brand)
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => _database.RunAsync(_a, async session =>
            {
                await using var insert = session.Command("insert into orders (tenant_id, id, brand_id, amount_usd, created_at) values ($1, gen_random_uuid(), $2, 1, now())")
                    .Bind(brand);
                await insert.ExecuteNonQueryAsync();
            }));
            Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);
            return $"{error.MessageText} | {error.Detail}".Replace(brand.ToString(), "<brand>");
        }

        // Same error, same text, whether the brand is B's or exists nowhere: no existence signal.
        Assert.Equal(await Refusal(Guid.NewGuid()), await Refusal(_brandB));

        using var scope = TenantScope.Begin(_a);
        var viaGrainB = await Assert.ThrowsAsync<BrandNotFoundException>(() =>
            TestBrands.Grain(Grains, _a, _brandB).RecordOrderAsync(new BrandOrder(Guid.NewGuid(), 1m, DateTimeOffset.UtcNow)));
        var unknown = Guid.NewGuid();
        var viaGrainUnknown = await Assert.ThrowsAsync<BrandNotFoundException>(() =>
            TestBrands.Grain(Grains, _a, unknown).RecordOrderAsync(new BrandOrder(Guid.NewGuid(), 1m, DateTimeOffset.UtcNow)));
        Assert.Equal(viaGrainUnknown.Message.Replace(unknown.ToString(), "<brand>"), viaGrainB.Message.Replace(_brandB.ToString(), "<brand>"));
        Assert.Equal(2L, await CountForTenantAsync("orders", _b));
    }

    [Fact]
    public async Task Attack07_unique_key_probes_across_tenants_give_no_duplicate_key_signal()
    {
        // A reuses B's brand id, B's brand name and B's order id: all succeed, as for any unused value.
        using (TenantScope.Begin(_a))
        {
            var clone = await TestBrands.Grain(Grains, _a, _brandB).CreateAsync("B secret brand");
            Assert.Equal(new BrandInfo(_brandB, "B secret brand"), clone);
            await TestBrands.Grain(Grains, _a, _brandB).RecordOrderAsync(new BrandOrder(_orderB, 1m, DateTimeOffset.UtcNow));
            Assert.Equal(1, (await TestBrands.Grain(Grains, _a, _brandB).GetSummaryAsync(TestBrands.Today())).Orders);
        }

        // B's own rows are what they were.
        using var asB = TenantScope.Begin(_b);
        var b = await TestBrands.Grain(Grains, _b, _brandB).GetSummaryAsync(TestBrands.Today());
        Assert.Equal((2L, 3000m), (b.Orders, b.RevenueUsd));
    }

    [Fact]
    public async Task Attack08_partitions_and_views_of_tenant_tables_are_denied_or_filtered()
    {
        // Generic: every partition of an RLS table and every view in the schema, today's and those
        // added later. Today the schema has none; the RLS tables themselves are checked the same way.
        var rlsTables = await SchemaProbe.RlsTablesAsync(_owner, "public");
        Assert.Superset(TenantTables.ToHashSet(), rlsTables.ToHashSet());
        var candidates = await SchemaProbe.BypassCandidatesAsync(_owner, "public");
        var leaks = new List<string>();
        foreach (var (name, _, hasTenant, readsRls) in candidates)
        {
            leaks.Add(await SchemaProbe.LeakAsync(_database, _a, name, hasTenant, readsRls) ?? "");
        }

        foreach (var table in rlsTables.Where(t => t != "tenants"))
        {
            leaks.Add(await SchemaProbe.LeakAsync(_database, _a, table, hasTenantColumn: true, readsRlsTable: true) ?? "");
        }

        Assert.All(leaks, leak => Assert.Equal("", leak));

        // The detector finds a leak when there is one: a partition granted directly, a definer view
        // without tenant_id, and a filtered view, in a scratch schema.
        var schema = "isolation_probe_" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            await OwnerExecuteAsync($"""
                create schema {schema};
                grant usage on schema {schema} to pulsepoint_app;
                create table {schema}.sales (tenant_id uuid not null, amount int) partition by list (tenant_id);
                create table {schema}.sales_b partition of {schema}.sales for values in ('{_b}');
                create table {schema}.sales_a partition of {schema}.sales for values in ('{_a}');
                alter table {schema}.sales enable row level security;
                create policy p on {schema}.sales using (tenant_id = (select nullif(current_setting('app.current_tenant_id', true), '')::uuid));
                insert into {schema}.sales values ('{_b}', 1), ('{_a}', 2);
                grant select on {schema}.sales, {schema}.sales_a, {schema}.sales_b to pulsepoint_app;
                create view {schema}.totals as select sum(amount) as total from {schema}.sales;
                grant select on {schema}.totals to pulsepoint_app;
                """);
            var planted = await SchemaProbe.BypassCandidatesAsync(_owner, schema);
            var found = new List<string>();
            foreach (var (name, _, hasTenant, readsRls) in planted)
            {
                if (await SchemaProbe.LeakAsync(_database, _a, name, hasTenant, readsRls) is { } leak)
                {
                    found.Add(name);
                }
            }

            Assert.Equal([$"{schema}.sales_b", $"{schema}.totals"], found.Order());
        }
        finally
        {
            await OwnerExecuteAsync($"drop schema if exists {schema} cascade");
        }
    }

    [Fact]
    public async Task Attack09_row_security_off_as_the_application_role_is_refused()
    {
        var inTransaction = await Assert.ThrowsAsync<PostgresException>(() => _database.RunAsync(_a, async session =>
        {
            await using var off = session.Command("set local row_security = off");
            off.Parameters.Clear();
            await off.ExecuteNonQueryAsync();
            await using var read = session.Command("select count(*) from brands");
            read.Parameters.Clear();
            return (long)(await read.ExecuteScalarAsync())!;
        }));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, inTransaction.SqlState);
        Assert.Contains("row-level security", inTransaction.MessageText);

        await using var own = TestDatabase.CreateDataSource(TestDatabase.Application, maxPoolSize: 1);
        await using var connection = await own.OpenConnectionAsync();
        await using (var off = new NpgsqlCommand("set row_security = off", connection))
        {
            await off.ExecuteNonQueryAsync();
        }

        foreach (var table in TenantTables)
        {
            await using var read = new NpgsqlCommand($"select count(*) from {table}", connection);
            var error = await Assert.ThrowsAsync<PostgresException>(() => read.ExecuteScalarAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        }
    }

    [Fact]
    public async Task Attack10_no_security_definer_function_or_definer_view_outside_the_allow_list()
    {
        // The event store's partition maintenance (0004): DDL only (create/drop daily partitions, delete
        // expired dedup ids), no tenant data returned, executable by the pipeline role alone (which
        // bypasses RLS anyway). The tenant context (0012): set_tenant_context sets a tenant only with the
        // silo's proof, current_tenant_id returns the verified tenant or NULL; both read the owner's keys,
        // never a tenant table, and the application role calls them. Anything else must be a tenant-filtered
        // object proven here first.
        string[] pipelineOnly =
        [
            "function observability_events_create_partitions(date,date)",
            "function observability_events_drop_partitions(date)",
        ];
        string[] tenantContext =
        [
            "function current_tenant_id()",
            "function set_tenant_context(uuid,text,bigint,bytea)",
        ];
        var definers = await SchemaProbe.DefinerObjectsAsync(_owner, "public");
        Assert.All(definers, d => Assert.Contains(d, pipelineOnly.Concat(tenantContext)));
        foreach (var (function, app, pipeline) in pipelineOnly.Select(d => (d, false, true)).Concat(tenantContext.Select(d => (d, true, false))))
        {
            await using var privilege = _owner.CreateCommand(
                "select has_function_privilege('pulsepoint_app', $1::regprocedure, 'execute'), has_function_privilege('pulsepoint_pipeline', $1::regprocedure, 'execute')");
            privilege.Parameters.Add(new NpgsqlParameter { Value = function["function ".Length..] });
            await using var reader = await privilege.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(app, reader.GetBoolean(0));
            Assert.Equal(pipeline, reader.GetBoolean(1));
        }

        // The remaining functions are Orleans' own (invoker rights); none names a tenant table.
        Assert.Empty(await SchemaProbe.FunctionsNamingAsync(_owner, "public", TenantTables));

        // The detector does find a definer function and a definer view when one exists.
        var schema = "definer_probe_" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            await OwnerExecuteAsync($"""
                create schema {schema};
                create function {schema}.all_brands() returns bigint language sql security definer as 'select count(*) from public.brands';
                create view {schema}.brand_names as select name from public.brands;
                create view {schema}.safe_names with (security_invoker = true) as select name from public.brands;
                """);
            Assert.Equal(
                [$"function {schema}.all_brands()", $"view {schema}.brand_names"],
                await SchemaProbe.DefinerObjectsAsync(_owner, schema));
            Assert.Equal(["all_brands"], await SchemaProbe.FunctionsNamingAsync(_owner, schema, TenantTables));
        }
        finally
        {
            await OwnerExecuteAsync($"drop schema if exists {schema} cascade");
        }
    }

    [Fact]
    public async Task Attack11_attacker_modified_where_clauses_still_return_only_own_rows()
    {
        string[] predicates = ["true", "tenant_id = $1 or tenant_id = $2", "tenant_id <> $1", "1 = 1 or tenant_id is not null"];
        foreach (var table in TenantTables.Where(t => t != "tenants"))
        {
            Assert.True(await CountForTenantAsync(table, _b) > 0, $"precondition: B has {table} rows");
            foreach (var predicate in predicates)
            {
                var owners = await _database.RunAsync(_a, async session =>
                {
                    await using var select = session.Command($"select distinct tenant_id from {table} where {predicate}").Bind(_b.Value);
                    await using var reader = await select.ExecuteReaderAsync();
                    var found = new List<Guid>();
                    while (await reader.ReadAsync())
                    {
                        found.Add(reader.GetGuid(0));
                    }

                    return found;
                });
                Assert.DoesNotContain(_b.Value, owners);
                Assert.All(owners, o => Assert.Equal(_a.Value, o));
            }
        }
    }

    [Fact]
    public async Task Attack12_a_thousand_concurrent_mixed_tenant_requests_each_see_only_their_own_tenant()
    {
        // Eight tenants, each with two brands whose order counts and revenue are unique to the tenant.
        var tenants = new List<(TenantId Tenant, Guid[] Brands, long Orders, decimal Revenue)>();
        for (var t = 0; t < 8; t++)
        {
            var tenant = await TestTenants.CreateAsync(Grains, $"Concurrent {t}");
            var amounts = Enumerable.Repeat(t + 1m, t + 1).ToArray();
            var first = await TestBrands.CreateAsync(Grains, tenant, $"c{t}-one", amounts);
            var second = await TestBrands.CreateAsync(Grains, tenant, $"c{t}-two");
            tenants.Add((tenant, [first, second], t + 1, (t + 1m) * (t + 1)));
        }

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var failures = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(async () =>
        {
            var (tenant, brands, orders, revenue) = tenants[i % tenants.Count];
            using var scope = TenantScope.Begin(tenant);
            var range = DateRange.Create(today.AddDays(-(i % 7)), today);
            if (i % 2 == 0)
            {
                var summary = await TestBrands.Grain(Grains, tenant, brands[0]).GetSummaryAsync(range);
                if (summary.BrandId != brands[0] || summary.Orders != orders || summary.RevenueUsd != revenue)
                {
                    failures.Add($"request {i}: summary {summary} for tenant {tenant}");
                }
            }
            else
            {
                var metrics = await Grains.GetGrain<IBrandMetricsGrain>(tenant.Value).GetCrossBrandMetricsAsync(range);
                if (!metrics.Select(m => m.BrandId).ToHashSet().SetEquals(brands) || metrics.Sum(m => m.RevenueUsd) != revenue)
                {
                    failures.Add($"request {i}: metrics {string.Join(", ", metrics)} for tenant {tenant}");
                }
            }
        })));

        Assert.Empty(failures);
    }

    private static async Task<(int Pid, List<Guid> Owners)> BackendAndBrandOwnersAsync(NpgsqlCommand template)
    {
        await using var command = new NpgsqlCommand(
            "select pg_backend_pid(), coalesce(array_agg(distinct tenant_id), '{}') from brands", template.Connection, template.Transaction);
        await template.DisposeAsync();
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt32(0), reader.GetFieldValue<Guid[]>(1).ToList());
    }

    private async Task<long> CountAllAsync(string table)
    {
        await using var count = _pipeline.CreateCommand($"select count(*) from {table}");
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private async Task<long> CountForTenantAsync(string table, TenantId tenant)
    {
        await using var count = _pipeline.CreateCommand($"select count(*) from {table} where tenant_id = $1");
        count.Parameters.Add(new NpgsqlParameter { Value = tenant.Value });
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private async Task OwnerExecuteAsync(string sql)
    {
        await using var command = _owner.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
