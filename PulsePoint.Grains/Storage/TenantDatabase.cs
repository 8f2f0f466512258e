using Npgsql;
using PulsePoint.Tenancy;

namespace PulsePoint.Storage;

/// <summary>
/// The one way tenant-scoped SQL runs. Each unit of work gets its own connection and transaction whose first
/// statement is <c>set_tenant_context</c> with the tenant and the silo's proof of it (<see cref="TenantContextSigner"/>),
/// all bound parameters: PostgreSQL checks the proof and seals the tenant to this transaction, so row-level security
/// filters every statement, a tenant set any other way (or carried over from another transaction) matches no row, and
/// the setting dies with the transaction: a pooled connection handed to the next tenant carries nothing over.
/// </summary>
public sealed class TenantDatabase(NpgsqlDataSource dataSource, TenantContextSigner signer)
{
    internal const string SetTenantSql = "select public.set_tenant_context($1, $2, $3, $4)";

    /// <summary>The service key of the instance over <see cref="DataSources.Background"/>, for the silo's timed reads.</summary>
    public const string Background = "background";

    /// <summary>Runs <paramref name="work"/> in a transaction scoped to <paramref name="tenant"/> and commits it.</summary>
    public async Task<T> RunAsync<T>(TenantId tenant, Func<TenantSession, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var set = new NpgsqlCommand(SetTenantSql, connection, transaction))
        {
            AddContext(set.Parameters, tenant, connection.ProcessID);
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
        // Opened first: the proof names the backend that will check it. A pooled open costs no round trip.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = connection.CreateBatch();
        var set = new NpgsqlBatchCommand(SetTenantSql);
        AddContext(set.Parameters, tenant, connection.ProcessID);
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

    private void AddContext(NpgsqlParameterCollection parameters, TenantId tenant, int backendProcessId)
    {
        var proof = signer.Sign(tenant, backendProcessId);
        parameters.Add(new NpgsqlParameter { Value = tenant.Value });
        parameters.Add(new NpgsqlParameter { Value = proof.KeyId });
        parameters.Add(new NpgsqlParameter { Value = proof.IssuedAtMilliseconds });
        parameters.Add(new NpgsqlParameter { Value = proof.Proof });
    }
}
