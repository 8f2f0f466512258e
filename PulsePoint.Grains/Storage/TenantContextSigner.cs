using System.Security.Cryptography;
using System.Text;
using PulsePoint.Tenancy;

namespace PulsePoint.Storage;

/// <summary>
/// Proves to PostgreSQL that the silo chose a transaction's tenant. The proof is HMAC-SHA256 under
/// <see cref="DatabaseOptions.TenantContextKey"/> over the tenant, the backend's process id and the issue time;
/// <c>set_tenant_context</c> (migration 0012) checks it with its copy of the key, which only the owner role reads,
/// and seals the tenant to the transaction. SQL run as the application role can neither compute a proof nor read
/// one: it is a bound parameter, never stored. The key is never logged and never leaves this object.
/// </summary>
public sealed class TenantContextSigner
{
    private const string Purpose = "pulsepoint-tenant-context";

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    private TenantContextSigner(byte[] key, TimeProvider time)
    {
        _key = key;
        _time = time;
        KeyId = KeyIdOf(key);
    }

    /// <summary>The key's public name: the first 8 bytes of its SHA-256 in hex, as <c>tenant_context_keys.key_id</c> holds it.</summary>
    public string KeyId { get; }

    /// <summary>The key registered in the database for this signer (the <c>migrate</c> verb writes it as the owner role).</summary>
    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>The signer for <see cref="DatabaseOptions.TenantContextKey"/>.</summary>
    /// <exception cref="InvalidOperationException">The key is missing or not 32 bytes of base64.</exception>
    public static TenantContextSigner Create(DatabaseOptions options, TimeProvider time) =>
        options.TenantContextKey is { } text && SecretKeys.TryParse(text) is { } key
            ? new TenantContextSigner(key, time)
            : throw new InvalidOperationException(
                "PulsePoint:Database:TenantContextKey is not configured: 32 random bytes in base64 (`openssl rand -base64 32`), " +
                "the same on every silo and registered in the database by `PulsePoint.Silo migrate`; without it no tenant-scoped query can run");

    /// <summary>The public name of <paramref name="key"/>.</summary>
    public static string KeyIdOf(ReadOnlySpan<byte> key) => Convert.ToHexStringLower(SHA256.HashData(key)[..8]);

    /// <summary>The arguments of <c>set_tenant_context</c> for <paramref name="tenant"/> on the backend <paramref name="backendProcessId"/>.</summary>
    public TenantContextProof Sign(TenantId tenant, int backendProcessId)
    {
        var issuedAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var message = Encoding.UTF8.GetBytes($"{Purpose}\n{tenant.Value:D}\n{backendProcessId}\n{issuedAt}");
        return new TenantContextProof(KeyId, issuedAt, HMACSHA256.HashData(_key, message));
    }
}

/// <summary>What <see cref="TenantContextSigner.Sign"/> gives <c>set_tenant_context</c> beside the tenant.</summary>
public readonly record struct TenantContextProof(string KeyId, long IssuedAtMilliseconds, byte[] Proof);
