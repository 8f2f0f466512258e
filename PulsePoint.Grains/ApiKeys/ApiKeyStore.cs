using Npgsql;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.ApiKeys;

/// <summary>
/// The SQL of API keys (tables of <c>0010_api_keys.sql</c>). A tenant's keys are read and written through
/// <see cref="TenantDatabase"/> under row-level security, except one read: finding a key by its id before its tenant
/// is known, which names the key in <c>app.current_api_key_id</c> (a bound, transaction-local setting) so the
/// <c>api_key_lookup</c> policy shows that one row. Operator keys have a table of their own without tenant data; the
/// application role can read and revoke them, only the owner role creates them.
/// </summary>
public sealed class ApiKeyStore(DataSources sources, TenantDatabase tenants, TimeProvider time)
{
    private const string SetKeySql = "select set_config('app.current_api_key_id', $1, true)";

    private const string TenantColumns = "key_id, tenant_id, scopes, name, created_at, expires_at, revoked_at, last_used_at, secret_sha256";

    private const string OperatorColumns = "key_id, null::uuid, null::text[], name, created_at, expires_at, revoked_at, last_used_at, secret_sha256";

    private const string FindTenantKeySql = $"select {TenantColumns} from api_keys where key_id = $1";

    private const string FindOperatorKeySql = $"select {OperatorColumns} from operator_api_keys where key_id = $1";

    private const string ListTenantKeysSql = $"select {TenantColumns} from api_keys where tenant_id = $1 order by created_at, key_id";

    private const string ListOperatorKeysSql = $"select {OperatorColumns} from operator_api_keys order by created_at, key_id";

    private const string InsertTenantKeySql = """
        insert into api_keys (tenant_id, key_id, secret_sha256, scopes, name, created_at, expires_at)
        values ($1, $2, $3, $4, $5, $6, $7)
        """;

    private const string InsertOperatorKeySql = """
        insert into operator_api_keys (key_id, secret_sha256, name, created_at, expires_at)
        values ($1, $2, $3, $4, $5)
        """;

    private const string RevokeTenantKeySql = "update api_keys set revoked_at = coalesce(revoked_at, $3) where tenant_id = $1 and key_id = $2";

    private const string RevokeOperatorKeySql = "update operator_api_keys set revoked_at = coalesce(revoked_at, $2) where key_id = $1";

    private const string TouchTenantKeySql = """
        update api_keys set last_used_at = $3
         where tenant_id = $1 and key_id = $2 and (last_used_at is null or last_used_at < $3)
        """;

    private const string TouchOperatorKeySql = "update operator_api_keys set last_used_at = $2 where key_id = $1 and (last_used_at is null or last_used_at < $2)";

    /// <summary>The key named <paramref name="id"/>, or null when there is none (or, against all odds, two tenants have that id).</summary>
    internal async Task<ApiKeyRecord?> FindAsync(ApiKeyId id, NpgsqlDataSource source, CancellationToken cancellationToken)
    {
        await using var batch = source.CreateBatch();
        if (id.Kind == ApiKeyKind.Tenant)
        {
            var set = new NpgsqlBatchCommand(SetKeySql);
            set.Parameters.Add(new NpgsqlParameter { Value = id.Value });
            batch.BatchCommands.Add(set);
        }

        var find = new NpgsqlBatchCommand(id.Kind == ApiKeyKind.Tenant ? FindTenantKeySql : FindOperatorKeySql);
        find.Parameters.Add(new NpgsqlParameter { Value = id.Value });
        batch.BatchCommands.Add(find);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (id.Kind == ApiKeyKind.Tenant)
        {
            await reader.NextResultAsync(cancellationToken);
        }

        var found = await ReadAllAsync(reader, id.Kind, cancellationToken);
        return found.Count == 1 ? found[0] : null;
    }

    /// <summary>Creates a key for <paramref name="tenant"/>; returns it and its full text, which exists nowhere else.</summary>
    /// <exception cref="TenantNotFoundException">The tenant does not exist.</exception>
    /// <exception cref="ArgumentException">No scope, a blank or too long name, or an expiry in the past.</exception>
    public async Task<(ApiKeyInfo Info, string Key)> CreateTenantKeyAsync(
        TenantId tenant, ApiKeyScopes scopes, string? name, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        if (scopes == ApiKeyScopes.None || (scopes & ~(ApiKeyScopes.Ingest | ApiKeyScopes.Read | ApiKeyScopes.Admin)) != 0)
        {
            throw new ArgumentException("A tenant's key needs one or more of the scopes ingest, read and admin.", nameof(scopes));
        }

        var now = Checked(name, expiresAt);
        var (id, key) = ApiKeySecret.Create(ApiKeyKind.Tenant);
        try
        {
            await tenants.RunAsync(tenant, async session =>
            {
                await using var insert = session.Command(InsertTenantKeySql)
                    .Bind(id.Value).Bind(ApiKeySecret.Hash(key[^ApiKeySecret.SecretLength..])).Bind(ApiKeyScopeNames.Of(scopes))
                    .Bind(name?.Trim()).Bind(now).Bind(expiresAt?.ToUniversalTime());
                await insert.ExecuteNonQueryAsync(session.CancellationToken);
            }, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new TenantNotFoundException($"Tenant {tenant} does not exist.");
        }

        return (new ApiKeyInfo(id, tenant, name?.Trim(), scopes, now, expiresAt?.ToUniversalTime(), null, null), key);
    }

    /// <summary>Creates an operator's key through <paramref name="owner"/>, the owner role's data source (the application role may not).</summary>
    /// <exception cref="ArgumentException">A blank or too long name, or an expiry in the past.</exception>
    public async Task<(ApiKeyInfo Info, string Key)> CreateOperatorKeyAsync(
        NpgsqlDataSource owner, string? name, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        var now = Checked(name, expiresAt);
        var (id, key) = ApiKeySecret.Create(ApiKeyKind.Operator);
        await using var insert = owner.CreateCommand(InsertOperatorKeySql)
            .Bind(id.Value).Bind(ApiKeySecret.Hash(key[^ApiKeySecret.SecretLength..])).Bind(name?.Trim()).Bind(now).Bind(expiresAt?.ToUniversalTime());
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return (new ApiKeyInfo(id, null, name?.Trim(), ApiKeyScopes.None, now, expiresAt?.ToUniversalTime(), null, null), key);
    }

    /// <summary><paramref name="tenant"/>'s keys, oldest first, revoked and expired ones included.</summary>
    public Task<IReadOnlyList<ApiKeyInfo>> ListTenantKeysAsync(TenantId tenant, CancellationToken cancellationToken = default) =>
        tenants.ReadAsync(tenant, ListTenantKeysSql, bind: null, async (reader, ct) =>
            (IReadOnlyList<ApiKeyInfo>)(await ReadAllAsync(reader, ApiKeyKind.Tenant, ct)).Select(r => r.Info).ToList(), cancellationToken);

    /// <summary>The operators' keys, oldest first, revoked and expired ones included.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListOperatorKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var command = sources.Application.CreateCommand(ListOperatorKeysSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return (await ReadAllAsync(reader, ApiKeyKind.Operator, cancellationToken)).Select(r => r.Info).ToList();
    }

    /// <summary>
    /// Marks the key revoked in PostgreSQL only; false when there is no such key (for a tenant's key: no such key of
    /// <paramref name="tenant"/>). Grains that hold the key see it at their next refresh: revoke through
    /// <see cref="IApiKeyGrain.RevokeAsync"/> for an instant effect.
    /// </summary>
    public async Task<bool> RevokeAsync(ApiKeyId id, TenantId? tenant, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (id.Kind == ApiKeyKind.Operator)
        {
            await using var revoke = sources.Application.CreateCommand(RevokeOperatorKeySql).Bind(id.Value).Bind(now);
            return await revoke.ExecuteNonQueryAsync(cancellationToken) == 1;
        }

        var owner = tenant ?? throw new ArgumentException("A tenant's key is revoked within its tenant.", nameof(tenant));
        return await tenants.RunAsync(owner, async session =>
        {
            await using var revoke = session.Command(RevokeTenantKeySql).Bind(id.Value).Bind(now);
            return await revoke.ExecuteNonQueryAsync(session.CancellationToken) == 1;
        }, cancellationToken);
    }

    /// <summary>Records that the key was last accepted at <paramref name="at"/> (never moves it back).</summary>
    internal async Task TouchAsync(ApiKeyInfo key, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (key.Tenant is not { } tenant)
        {
            await using var touch = sources.Background.CreateCommand(TouchOperatorKeySql).Bind(key.Key.Value).Bind(at.ToUniversalTime());
            await touch.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        await tenants.RunAsync(tenant, async session =>
        {
            await using var touch = session.Command(TouchTenantKeySql).Bind(key.Key.Value).Bind(at.ToUniversalTime());
            await touch.ExecuteNonQueryAsync(session.CancellationToken);
        }, cancellationToken);
    }

    private DateTimeOffset Checked(string? name, DateTimeOffset? expiresAt)
    {
        if (name is not null && (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200))
        {
            throw new ArgumentException("A key's name is 1-200 characters and not blank.", nameof(name));
        }

        var now = time.GetUtcNow();
        if (expiresAt is { } expiry && expiry <= now)
        {
            throw new ArgumentException("A key's expiry must be in the future.", nameof(expiresAt));
        }

        // PostgreSQL keeps microseconds: the returned info then equals what a later read gives.
        return new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
    }

    private static async Task<List<ApiKeyRecord>> ReadAllAsync(NpgsqlDataReader reader, ApiKeyKind kind, CancellationToken cancellationToken)
    {
        var found = new List<ApiKeyRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var scopes = reader.IsDBNull(2) ? ApiKeyScopes.None
                : ApiKeyScopeNames.TryParse(reader.GetFieldValue<string[]>(2), out var s) ? s : ApiKeyScopes.None;
            found.Add(new ApiKeyRecord(
                new ApiKeyInfo(
                    new ApiKeyId(kind, reader.GetString(0)),
                    reader.IsDBNull(1) ? null : new TenantId(reader.GetGuid(1)),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    scopes,
                    reader.GetFieldValue<DateTimeOffset>(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                    reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                    reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7)),
                reader.GetFieldValue<byte[]>(8)));
        }

        return found;
    }
}
