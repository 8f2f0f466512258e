using Npgsql;
using PulsePoint.Tenancy;

namespace PulsePoint.Storage;

/// <summary>An open, tenant-scoped transaction handed to the work of <see cref="TenantDatabase.RunAsync{T}"/>.</summary>
public sealed class TenantSession(TenantId tenant, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
{
    /// <summary>The tenant that row-level security filters to in this transaction.</summary>
    public TenantId Tenant { get; } = tenant;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>
    /// A command in this transaction. Its first positional parameter is the tenant id, so every query can
    /// keep the defensive <c>tenant_id = $1</c> filter beside the RLS policy.
    /// </summary>
    public NpgsqlCommand Command(string sql)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = Tenant.Value });
        return command;
    }
}
