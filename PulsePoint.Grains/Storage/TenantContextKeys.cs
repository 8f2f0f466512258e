using Npgsql;

namespace PulsePoint.Storage;

/// <summary>
/// The database's copies of the silos' tenant context keys (<c>tenant_context_keys</c>, readable by the owner role
/// only). A proof verifies under any registered key, so a key is rotated by registering the new one, moving the silos
/// to it, then retiring the old one (docs/operations.md).
/// </summary>
public static class TenantContextKeys
{
    private const string RegisterSql = """
        insert into public.tenant_context_keys (key_id, secret) values ($1, $2)
        on conflict (key_id) do nothing
        """;

    /// <summary>Registers <paramref name="signer"/>'s key as the owner role; true when it was not registered before.</summary>
    public static async Task<bool> RegisterAsync(string ownerConnectionString, TenantContextSigner signer, CancellationToken cancellationToken = default)
    {
        await using var owner = DataSources.Create(ownerConnectionString, "PulsePoint:Database:Owner");
        await using var insert = owner.CreateCommand(RegisterSql);
        insert.Parameters.Add(new NpgsqlParameter { Value = signer.KeyId });
        insert.Parameters.Add(new NpgsqlParameter { Value = signer.Key.ToArray() });
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
