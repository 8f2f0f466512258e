using Npgsql;
using PulsePoint.Tenancy;

namespace PulsePoint.Storage;

/// <summary>
/// The one way tenant-scoped SQL runs. Each unit of work gets its own connection and transaction in
/// which <c>app.current_tenant_id</c> is set with <c>set_config(..., true)</c> — a bound parameter,
/// transaction-local — so row-level security filters every statement, and the setting dies with the
/// transaction: a pooled connection handed to the next tenant carries nothing over.
/// </summary>
public sealed class TenantDatabase(NpgsqlDataSource dataSource)
{
    internal const string SetTenantSql = "select set_config('app.current_tenant_id', $1, true)";

    /// <summary>The service key of the instance over <see cref="DataSources.Background"/>, for the silo's timed reads.</summary>
    public const string Background = "background";

    /// <summary>Runs <paramref name="work"/> in a transaction scoped to <paramref name="tenant"/> and commits it.</summary>
    public async Task<T> RunAsync<T>(TenantId tenant, Func<TenantSession, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var set = new NpgsqlCommand(SetTenantSql, connection, transaction))
        {
            set.Parameters.Add(new NpgsqlParameter { Value = tenant.ToString() });
            await set.ExecuteNonQueryAsync(cancellationToken);
        }

        var result = await work(new TenantSession(tenant, connection, transaction, cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// One read-only statement scoped to <paramref name="tenant"/> in a single round trip: the tenant
    /// setting and the query go as one batch, which PostgreSQL runs as one implicit transaction, so the
    /// transaction-local setting applies to the query and ends with it. <paramref name="sql"/>'s
    /// <c>$1</c> is the tenant id (keep the defensive <c>tenant_id = $1</c> filter); further
    /// parameters are appended by <paramref name="bind"/>.
    /// </summary>
    public async Task<T> ReadAsync<T>(
        TenantId tenant,
        string sql,
        Action<NpgsqlBatchCommand>? bind,
        Func<NpgsqlDataReader, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken = default)
    {
        await using var batch = dataSource.CreateBatch();
        var set = new NpgsqlBatchCommand(SetTenantSql);
        set.Parameters.Add(new NpgsqlParameter { Value = tenant.ToString() });
        batch.BatchCommands.Add(set);
        var query = new NpgsqlBatchCommand(sql);
        query.Parameters.Add(new NpgsqlParameter { Value = tenant.Value });
        bind?.Invoke(query);
        batch.BatchCommands.Add(query);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        return await read(reader, cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> in a transaction scoped to <paramref name="tenant"/> and commits it.</summary>
    public Task RunAsync(TenantId tenant, Func<TenantSession, Task> work, CancellationToken cancellationToken = default) =>
        RunAsync(tenant, async session =>
        {
            await work(session);
            return true;
        }, cancellationToken);
}
