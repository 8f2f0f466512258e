using Npgsql;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Storage;

/// <summary>Row-level security as the application role: fail-closed, own rows only, writes checked.</summary>
public sealed class RowLevelSecurityTests : IAsyncLifetime
{
    // Every tenant-owned table; `id` of tenants is its tenant column.
    public static readonly TheoryData<string, string> TenantTables = new()
    {
        { "tenants", "id" },
        { "brands", "tenant_id" },
        { "orders", "tenant_id" },
        { "ad_performance", "tenant_id" },
    };

    private NpgsqlDataSource _application = null!;
    private TenantDatabase _database = null!;
    private (TenantId Tenant, Guid Brand) _a;
    private (TenantId Tenant, Guid Brand) _b;

    public async Task InitializeAsync()
    {
        await TestDatabase.EnsureCreatedAsync();
        _application = TestDatabase.CreateDataSource(TestDatabase.Application);
        _database = new TenantDatabase(_application, TestDatabase.TenantContext);
        _a = await TenantRows.CreateTenantWithBrandAsync(_database, "Tenant A");
        _b = await TenantRows.CreateTenantWithBrandAsync(_database, "Tenant B");
    }

    public async Task DisposeAsync() => await _application.DisposeAsync();

    [Theory]
    [MemberData(nameof(TenantTables))]
    public async Task Rls_without_tenant_context_returns_no_rows(string table, string tenantColumn)
    {
        _ = tenantColumn;
        await using var count = _application.CreateCommand($"select count(*) from {table}");
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Theory]
    [MemberData(nameof(TenantTables))]
    public async Task Rls_with_tenant_a_set_returns_only_tenant_a_rows(string table, string tenantColumn)
    {
        var owners = await _database.RunAsync(_a.Tenant, async session =>
        {
            await using var select = session.Command($"select distinct {tenantColumn} from {table}");
            select.Parameters.Clear();
            await using var reader = await select.ExecuteReaderAsync();
            var found = new List<Guid>();
            while (await reader.ReadAsync())
            {
                found.Add(reader.GetGuid(0));
            }

            return found;
        });

        Assert.Equal([_a.Tenant.Value], owners);
    }

    [Fact]
    public async Task Rls_insert_for_tenant_b_while_tenant_a_is_set_is_refused()
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => _database.RunAsync(_a.Tenant, async session =>
        {
            await using var insert = session.Command("insert into brands (tenant_id, id, name) values ($2, $3, 'smuggled')")
                .Bind(_b.Tenant.Value).Bind(Guid.NewGuid());
            await insert.ExecuteNonQueryAsync();
        }));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Contains("row-level security", error.MessageText);
    }

    [Fact]
    public async Task Rls_pooled_connection_carries_no_tenant_to_the_next_user()
    {
        await using var single = TestDatabase.CreateDataSource(TestDatabase.Application, maxPoolSize: 1);
        var database = new TenantDatabase(single, TestDatabase.TenantContext);

        var seenByA = await database.RunAsync(_a.Tenant, s => CountBrandsAsync(s, _a.Tenant));
        var foreignSeenByB = await database.RunAsync(_b.Tenant, s => CountBrandsAsync(s, _a.Tenant));

        // The same physical connection, outside any tenant transaction: the setting did not survive.
        await using var connection = await single.OpenConnectionAsync();
        await using var leftover = new NpgsqlCommand("select current_setting('app.current_tenant_id', true), (select count(*) from brands)", connection);
        await using var reader = await leftover.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var setting = reader.IsDBNull(0) ? null : reader.GetString(0);

        Assert.Equal(1, seenByA);
        Assert.Equal(0, foreignSeenByB);
        Assert.True(string.IsNullOrEmpty(setting), $"app.current_tenant_id leaked: '{setting}'");
        Assert.Equal(0L, reader.GetInt64(1));
    }

    [Fact]
    public async Task Rls_single_round_trip_read_sees_own_rows_and_leaves_nothing_on_the_connection()
    {
        await using var single = TestDatabase.CreateDataSource(TestDatabase.Application, maxPoolSize: 1);
        var database = new TenantDatabase(single, TestDatabase.TenantContext);

        var names = await database.ReadAsync(_a.Tenant, "select name from brands where tenant_id = $1 or tenant_id = $2",
            command => command.Bind(_b.Tenant.Value), ReadNamesAsync);
        var foreign = await database.ReadAsync(_b.Tenant, "select name from brands where tenant_id = $2",
            command => command.Bind(_a.Tenant.Value), ReadNamesAsync);

        await using var connection = await single.OpenConnectionAsync();
        await using var leftover = new NpgsqlCommand("select coalesce(current_setting('app.current_tenant_id', true), '')", connection);
        Assert.Equal(["Tenant A brand"], names);
        Assert.Empty(foreign);
        Assert.Equal("", await leftover.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Rls_where_clause_tampering_returns_only_own_rows()
    {
        var names = await _database.RunAsync(_a.Tenant, async session =>
        {
            await using var select = session.Command("select name from brands where true or tenant_id = $2").Bind(_b.Tenant.Value);
            await using var reader = await select.ExecuteReaderAsync();
            var found = new List<string>();
            while (await reader.ReadAsync())
            {
                found.Add(reader.GetString(0));
            }

            return found;
        });

        Assert.Equal(["Tenant A brand"], names);
    }

    [Theory]
    [InlineData("x' OR 1=1 --")]
    [InlineData("'; select set_config('app.current_tenant_id', '', false); --")]
    [InlineData("{3f2504e0-4f89-41d3-9a0c-0305e82c3301}")]
    [InlineData(" 3f2504e0-4f89-41d3-9a0c-0305e82c3301")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("")]
    public void Injection_strings_are_rejected_as_tenant_ids_before_any_sql(string text)
    {
        // TenantDatabase only accepts a TenantId, so rejecting at parse time means no SQL can run.
        var error = Assert.Throws<InvalidTenantIdException>(() => TenantId.Parse(text));
        Assert.StartsWith("Invalid tenant id", error.Message);
        Assert.Throws<InvalidTenantIdException>(() => PulsePoint.Client.TenantScope.Begin(text));
    }

    private static async Task<List<string>> ReadNamesAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static async Task<int> CountBrandsAsync(TenantSession session, TenantId owner)
    {
        await using var count = session.Command("select count(*) from brands where tenant_id = $2").Bind(owner.Value);
        return (int)(long)(await count.ExecuteScalarAsync())!;
    }
}
