using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace PulsePoint.ApiKeys;

/// <summary>
/// The text of an API key, <c>&lt;prefix&gt;&lt;key id&gt;_&lt;secret&gt;</c> (e.g. <c>pp_live_k7f3x9abq2mz_…</c>): how it is
/// made, parsed and hashed. The secret is 52 lower-case base32 characters (256 random bits); PostgreSQL keeps only its
/// SHA-256 hash, and a presented secret is compared with it in constant time.
/// </summary>
public static class ApiKeySecret
{
    /// <summary>The number of characters of a secret.</summary>
    public const int SecretLength = 52;

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>The whole key text's length: prefix, id, '_', secret.</summary>
    public const int KeyLength = 8 + ApiKeyId.Length + 1 + SecretLength;

    /// <summary>A new key of <paramref name="kind"/>: its id and the full text to hand out once.</summary>
    public static (ApiKeyId Id, string Key) Create(ApiKeyKind kind)
    {
        var id = new ApiKeyId(kind, Base32(RandomNumberGenerator.GetBytes(8))[..ApiKeyId.Length]);
        var secret = Base32(RandomNumberGenerator.GetBytes(32))[..SecretLength];
        return (id, $"{id}_{secret}");
    }

    /// <summary>Splits a key into its id and secret; false for anything that is not a well-formed key.</summary>
    public static bool TryParse([NotNullWhen(true)] string? key, out ApiKeyId id, [NotNullWhen(true)] out string? secret)
    {
        id = default;
        secret = null;
        if (key is not { Length: KeyLength } || key[8 + ApiKeyId.Length] != '_'
            || !ApiKeyId.TryParse(key[..(8 + ApiKeyId.Length)], (ApiKeyKind)0, out id))
        {
            return false;
        }

        var tail = key[(8 + ApiKeyId.Length + 1)..];
        if (!tail.All(IsBase32))
        {
            id = default;
            return false;
        }

        secret = tail;
        return true;
    }

    /// <summary>The SHA-256 hash PostgreSQL keeps for <paramref name="secret"/>.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.ASCII.GetBytes(secret));

    /// <summary>Whether <paramref name="secret"/> hashes to <paramref name="storedHash"/>, compared in constant time.</summary>
    public static bool Matches(string secret, ReadOnlySpan<byte> storedHash)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.ASCII.GetBytes(secret), hash);
        return CryptographicOperations.FixedTimeEquals(hash, storedHash);
    }

    /// <summary>True for a character of the lower-case base32 alphabet (a-z, 2-7).</summary>
    public static bool IsBase32(char c) => c is >= 'a' and <= 'z' or >= '2' and <= '7';

    private static string Base32(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length * 8 / 5 + 1);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            text.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return text.ToString();
    }
}
