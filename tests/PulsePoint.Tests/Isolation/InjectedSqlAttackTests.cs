using Npgsql;
using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Isolation;

/// <summary>
/// The attack suite for an attacker who runs SQL of their own as the application role — an injected statement inside
/// tenant A's transaction, or a connection of their own: a forged tenant context (set directly, at session level,
/// replayed from another transaction, A's proof under B's id), a temporary table shadowing a tenant table, large
/// objects, Orleans' grain state, and state left on a pooled connection. Each case first checks that B's rows exist.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class InjectedSqlAttackTests(ClusterFixture fixture) : IAsyncLifetime
{
    private static readonly string[] TenantTables = ["tenants", "brands", "orders", "ad_performance"];

    private static readonly string[] OrleansTables =
        ["orleansquery", "orleansmembershipversiontable", "orleansmembershiptable", "orleansstorage", "orleansreminderstable"];

    private NpgsqlDataSource _application = null!;
    private NpgsqlDataSource _pipeline = null!;
    private TenantDatabase _database = null!;
    private TenantId _a;
    private TenantId _b;

    public async Task InitializeAsync()
    {
        await TestDatabase.EnsureCreatedAsync();
        _application = TestDatabase.CreateDataSource(TestDatabase.Application);
        _pipeline = TestDatabase.CreateDataSource(TestDatabase.Pipeline);
        _database = new TenantDatabase(_application, TestDatabase.TenantContext);
        (_a, _) = await TenantRows.CreateTenantWithBrandAsync(_database, "Injector A");
        (_b, _) = await TenantRows.CreateTenantWithBrandAsync(_database, "Victim B");
    }

    public async Task DisposeAsync()
    {
        await _application.DisposeAsync();
        await _pipeline.DisposeAsync();
    }

    [Fact]
    public async Task Attack13_a_tenant_set_directly_inside_a_signed_transaction_sees_and_writes_nothing()
    {
        await AssertBHasRowsAsync();
        var (counts, insert) = await AsInjectionInTransactionOfAAsync(async (connection, transaction) =>
        {
            await ExecuteAsync(connection, transaction, "select set_config('app.current_tenant_id', $1, true)", _b.ToString());
            var counts = await CountsAsync(connection, transaction);
            var insert = await SqlStateOfAsync(connection, transaction, "insert into brands (tenant_id, id, name) values ($1::uuid, gen_random_uuid(), 'planted')", _b.ToString());
            return (counts, insert);
        });

        Assert.All(counts, c => Assert.Equal(0L, c));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, insert);

        // And in a transaction of the attacker's own, with no proof at all.
        await using var connection = await _application.OpenConnectionAsync();
        await using var own = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, own, "select set_config('app.current_tenant_id', $1, true)", _b.ToString());
        Assert.All(await CountsAsync(connection, own), c => Assert.Equal(0L, c));
    }

    [Fact]
    public async Task Attack14_a_tenant_set_at_session_level_sees_nothing_and_does_not_outlive_the_connection()
    {
        await AssertBHasRowsAsync();
        await using var single = TestDatabase.CreateDataSource(TestDatabase.Application, maxPoolSize: 1);
        await using (var connection = await single.OpenConnectionAsync())
        {
            await ExecuteAsync(connection, null, "select set_config('app.current_tenant_id', $1, false)", _b.ToString());
            Assert.All(await CountsAsync(connection, null), c => Assert.Equal(0L, c));
        }

        // The next signed transaction on that backend sees its own tenant only.
        var owners = await new TenantDatabase(single, TestDatabase.TenantContext).RunAsync(_a, async session =>
        {
            await using var select = session.Command("select coalesce(array_agg(distinct tenant_id), '{}') from brands");
            select.Parameters.Clear();
            return (Guid[])(await select.ExecuteScalarAsync())!;
        });
        Assert.Equal([_a.Value], owners);
    }

    [Fact]
    public async Task Attack15_a_context_replayed_from_another_transaction_sees_and_writes_nothing()
    {
        await AssertBHasRowsAsync();
        await using var single = TestDatabase.CreateDataSource(TestDatabase.Application, maxPoolSize: 1);
        var database = new TenantDatabase(single, TestDatabase.TenantContext);

        // Everything SQL can read of B's context, captured in a transaction of B's (as a stored payload run there would).
        var (pidB, tenantSetting, seal) = await database.RunAsync(_b, async session =>
        {
            await using var read = session.Command(
                "select pg_backend_pid(), current_setting('app.current_tenant_id'), current_setting('app.tenant_context_seal')");
            read.Parameters.Clear();
            await using var reader = await read.ExecuteReaderAsync();
            await reader.ReadAsync();
            return (reader.GetInt32(0), reader.GetString(1), reader.GetString(2));
        });
        Assert.Equal(_b.ToString(), tenantSetting);
        Assert.NotEmpty(seal);

        // Replayed on the same backend: inside A's transaction, in a transaction of its own, and at session level.
        var (pidA, counts, insert) = await database.RunAsync(_a, async session =>
        {
            await using var probe = session.Command("select pg_backend_pid()");
            probe.Parameters.Clear();
            var pid = (int)(await probe.ExecuteScalarAsync())!;
            await ReplayAsync(probe.Connection!, probe.Transaction, tenantSetting, seal, local: true);
            var counts = await CountsAsync(probe.Connection!, probe.Transaction);
            var insert = await SqlStateOfAsync(
                probe.Connection!, probe.Transaction, "insert into brands (tenant_id, id, name) values ($1::uuid, gen_random_uuid(), 'planted')", _b.ToString());
            return (pid, counts, insert);
        });
        Assert.Equal(pidB, pidA);
        Assert.All(counts, c => Assert.Equal(0L, c));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, insert);

        await using var connection = await single.OpenConnectionAsync();
        Assert.Equal(pidB, connection.ProcessID);
        await using (var own = await connection.BeginTransactionAsync())
        {
            await ReplayAsync(connection, own, tenantSetting, seal, local: true);
            Assert.All(await CountsAsync(connection, own), c => Assert.Equal(0L, c));
        }

        await ReplayAsync(connection, null, tenantSetting, seal, local: false);
        Assert.All(await CountsAsync(connection, null), c => Assert.Equal(0L, c));
    }

    [Fact]
    public async Task Attack16_tenant_a_proof_or_seal_presented_with_tenant_b_id_is_refused()
    {
        await AssertBHasRowsAsync();
        var (sealed_, proofUnderB, unknownKey) = await AsInjectionInTransactionOfAAsync(async (connection, transaction) =>
        {
            // A's own seal kept, the tenant changed to B.
            await ExecuteAsync(connection, transaction, "select set_config('app.current_tenant_id', $1, true)", _b.ToString());
            var counts = await CountsAsync(connection, transaction);

            // A's proof (as the silo made it for this backend) presented for B, and B's context under a key the database does not hold.
            var proofA = TestDatabase.TenantContext.Sign(_a, connection.ProcessID);
            var underB = await SetContextStateAsync(connection, transaction, _b, proofA);
            var stranger = TenantContextSigner.Create(
                new DatabaseOptions { TenantContextKey = Convert.ToBase64String(new byte[32]) }, TimeProvider.System);
            var unknown = await SetContextStateAsync(connection, transaction, _b, stranger.Sign(_b, connection.ProcessID));
            return (counts, underB, unknown);
        });

        Assert.All(sealed_, c => Assert.Equal(0L, c));
        Assert.Equal("PP002", proofUnderB);
        Assert.Equal("PP002", unknownKey);
    }

    [Fact]
    public async Task Attack17_a_temporary_table_named_like_a_tenant_table_cannot_be_created()
    {
        await AssertBHasRowsAsync();
        await using var connection = await _application.OpenConnectionAsync();
        foreach (var sql in new[]
        {
            "create temporary table brands (tenant_id uuid, id uuid, name text)",
            "create table pg_temp.orders (tenant_id uuid)",
            "create table public.brands_shadow (tenant_id uuid)",
            "create schema shadow",
        })
        {
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await SqlStateOfAsync(connection, null, sql));
        }

        // The pinned search path puts temporary objects last, after the tenant tables.
        await using var path = new NpgsqlCommand("select current_setting('search_path'), current_schema()", connection);
        await using var reader = await path.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(DataSources.SearchPath, reader.GetString(0));
        Assert.Equal("public", reader.GetString(1));
    }

    [Fact]
    public async Task Attack18_large_objects_cannot_be_created_by_the_application_role()
    {
        await using var connection = await _application.OpenConnectionAsync();
        foreach (var sql in new[] { "select lo_create(0)", "select lo_creat(-1)", "select lo_from_bytea(0, '\\x00'::bytea)", "select lo_import('/etc/hostname')" })
        {
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await SqlStateOfAsync(connection, null, sql));
        }
    }

    [Fact]
    public async Task Attack19_grain_state_membership_and_reminders_are_out_of_the_application_roles_reach()
    {
        // B's budget state is in Orleans' grain storage.
        using (TenantScope.Begin(_b))
        {
            await TestTenants.SetDailyBudgetAsync(fixture.Client, _b, 5m);
            await fixture.Client.GetGrain<ITenantBillingGrain>(_b.Value).ReserveBudgetAsync(1m);
        }

        await using var orleans = TestDatabase.CreateDataSource(TestDatabase.Orleans);
        await using (var count = orleans.CreateCommand("select count(*) from orleansstorage"))
        {
            Assert.True((long)(await count.ExecuteScalarAsync())! > 0, "precondition: grain state exists");
        }

        await using var connection = await _application.OpenConnectionAsync();
        foreach (var table in OrleansTables)
        {
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await SqlStateOfAsync(connection, null, $"select count(*) from {table}"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await SqlStateOfAsync(connection, null, $"delete from {table}"));
        }

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await SqlStateOfAsync(connection, null, "update orleansstorage set payloadbinary = null"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await SqlStateOfAsync(
            connection, null, "select orleans_write_grain_state(0, 0, 0, 0, 'x', null, 'x', null, null)"));
    }

    [Fact]
    public async Task Attack20_a_pooled_connection_is_reset_when_it_returns_so_no_session_state_reaches_the_next_tenant()
    {
        await using var single = TestDatabase.CreateDataSource(TestDatabase.Application, maxPoolSize: 1);
        int pid;
        await using (var connection = await single.OpenConnectionAsync())
        {
            pid = connection.ProcessID;
            foreach (var sql in new[]
            {
                $"select set_config('app.current_tenant_id', '{_b}', false)",
                "select set_config('app.tenant_context_seal', 'forged', false)",
                "set search_path = pg_catalog",
                "set row_security = off",
            })
            {
                await using var command = new NpgsqlCommand(sql, connection);
                await command.ExecuteNonQueryAsync();
            }
        }

        await using var next = await single.OpenConnectionAsync();
        Assert.Equal(pid, next.ProcessID);
        await using var probe = new NpgsqlCommand(
            "select coalesce(current_setting('app.current_tenant_id', true), ''), coalesce(current_setting('app.tenant_context_seal', true), ''), " +
            "current_setting('search_path'), current_setting('row_security')", next);
        await using var reader = await probe.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal("", reader.GetString(0));
        Assert.Equal("", reader.GetString(1));
        Assert.Equal(DataSources.SearchPath, reader.GetString(2));
        Assert.Equal("on", reader.GetString(3));
    }

    [Fact]
    public async Task Attack21_every_tenant_policy_reads_the_verified_tenant_only()
    {
        await using var owner = TestDatabase.CreateDataSource(TestDatabase.Owner);
        await using var policies = owner.CreateCommand("""
            select c.relname, p.polname, pg_get_expr(p.polqual, p.polrelid), coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '')
              from pg_policy p join pg_class c on c.oid = p.polrelid
             where c.relnamespace = 'public'::regnamespace
            """);
        await using var reader = await policies.ExecuteReaderAsync();
        var seen = new List<string>();
        while (await reader.ReadAsync())
        {
            var (table, name, qual, check) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
            seen.Add(table);
            Assert.DoesNotContain("app.current_tenant_id", qual + check);
            if (name == "tenant_isolation")
            {
                Assert.Contains("current_tenant_id()", qual);
                Assert.Contains("current_tenant_id()", check);
            }
            else
            {
                // The one other policy: a SELECT of the key id named (docs/threat-model.md).
                Assert.Equal(("api_keys", "api_key_lookup"), (table, name));
            }
        }

        Assert.Superset(TenantTables.ToHashSet(), seen.ToHashSet());
    }

    private async Task AssertBHasRowsAsync()
    {
        foreach (var table in TenantTables)
        {
            var column = table == "tenants" ? "id" : "tenant_id";
            await using var count = _pipeline.CreateCommand($"select count(*) from {table} where {column} = $1");
            count.Parameters.Add(new NpgsqlParameter { Value = _b.Value });
            Assert.True((long)(await count.ExecuteScalarAsync())! > 0, $"precondition: B has {table} rows");
        }
    }

    /// <summary>Runs <paramref name="attack"/> as SQL injected into a transaction the silo opened, signed, for tenant A.</summary>
    private Task<T> AsInjectionInTransactionOfAAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction?, Task<T>> attack) =>
        _database.RunAsync(_a, async session =>
        {
            await using var probe = session.Command("select 1");
            return await attack(probe.Connection!, probe.Transaction);
        });

    /// <summary>Rows of B visible in each tenant table.</summary>
    private async Task<long[]> CountsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        var counts = new List<long>();
        foreach (var table in TenantTables)
        {
            var column = table == "tenants" ? "id" : "tenant_id";
            await using var count = new NpgsqlCommand($"select count(*) from {table} where {column} = $1", connection, transaction);
            count.Parameters.Add(new NpgsqlParameter { Value = _b.Value });
            counts.Add((long)(await count.ExecuteScalarAsync())!);
        }

        return counts.ToArray();
    }

    private static async Task ReplayAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenant, string seal, bool local)
    {
        await using var replay = new NpgsqlCommand(
            "select set_config('app.current_tenant_id', $1, $3), set_config('app.tenant_context_seal', $2, $3)", connection, transaction);
        replay.Parameters.Add(new NpgsqlParameter { Value = tenant });
        replay.Parameters.Add(new NpgsqlParameter { Value = seal });
        replay.Parameters.Add(new NpgsqlParameter { Value = local });
        await replay.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The SQLSTATE <paramref name="sql"/> fails with (inside a savepoint when in a transaction), or null when it succeeds.</summary>
    private static async Task<string?> SqlStateOfAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params object[] values)
    {
        if (transaction is not null)
        {
            await transaction.SaveAsync("attack");
        }

        try
        {
            await ExecuteAsync(connection, transaction, sql, values);
            if (transaction is not null)
            {
                await transaction.ReleaseAsync("attack");
            }

            return null;
        }
        catch (PostgresException e)
        {
            if (transaction is not null)
            {
                await transaction.RollbackAsync("attack");
            }

            return e.SqlState;
        }
    }

    private static Task<string?> SetContextStateAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, TenantId tenant, TenantContextProof proof) =>
        SqlStateOfAsync(connection, transaction, "select public.set_tenant_context($1, $2, $3, $4)", tenant.Value, proof.KeyId, proof.IssuedAtMilliseconds, proof.Proof);
}
