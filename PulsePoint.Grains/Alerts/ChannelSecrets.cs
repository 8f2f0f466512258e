using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using PulsePoint.Storage;

namespace PulsePoint.Alerts;

/// <summary>
/// Seals a channel's secret for PostgreSQL with AES-256-GCM under <see cref="AlertOptions.SecretKey"/>, which is
/// never stored in the database. The channel's identity (tenant or operator, channel id) is the associated data, so
/// a sealed secret copied onto another channel's row does not open. Layout: version byte, 12-byte nonce, 16-byte
/// tag, ciphertext.
/// </summary>
public sealed class ChannelSecrets(IOptions<AlertOptions> options)
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Seals <paramref name="secret"/> for the channel <paramref name="owner"/>/<paramref name="channelId"/>.</summary>
    /// <exception cref="InvalidOperationException">No secret key is configured.</exception>
    public byte[] Seal(string secret, string owner, Guid channelId)
    {
        var key = Key();
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[1 + NonceSize + TagSize + plain.Length];
        sealedBytes[0] = Version;
        var nonce = sealedBytes.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(1 + NonceSize + TagSize), sealedBytes.AsSpan(1 + NonceSize, TagSize), AssociatedData(owner, channelId));
        return sealedBytes;
    }

    /// <summary>Opens a secret sealed by <see cref="Seal"/> for the same channel.</summary>
    /// <exception cref="InvalidOperationException">No secret key is configured, or the secret does not open with it.</exception>
    public string Open(byte[] sealedBytes, string owner, Guid channelId)
    {
        var key = Key();
        if (sealedBytes.Length < 1 + NonceSize + TagSize || sealedBytes[0] != Version)
        {
            throw new InvalidOperationException("the channel's stored secret is not in a known format");
        }

        var plain = new byte[sealedBytes.Length - 1 - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(1, NonceSize), sealedBytes.AsSpan(1 + NonceSize + TagSize), sealedBytes.AsSpan(1 + NonceSize, TagSize), plain, AssociatedData(owner, channelId));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new InvalidOperationException("the channel's stored secret does not open with PulsePoint:Alerts:SecretKey (was the key changed?)");
        }

        return Encoding.UTF8.GetString(plain);
    }


    private byte[] Key() =>
        options.Value.SecretKey is { } text && SecretKeys.TryParse(text) is { } key
            ? key
            : throw new InvalidOperationException("PulsePoint:Alerts:SecretKey is not configured; channel secrets can be neither sealed nor opened");

    private static byte[] AssociatedData(string owner, Guid channelId) => Encoding.UTF8.GetBytes($"pulsepoint/alert-channel/{owner}/{channelId:D}");
}
