using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PulsePoint.Alerts;

/// <summary>
/// How a webhook delivery is signed: <c>PulsePoint-Signature: v1=</c> and the lowercase hex HMAC-SHA256, keyed with
/// the channel's signing secret (its UTF-8 bytes, <c>whsec_</c> prefix included), of
/// <c>PulsePoint-Timestamp + "." + body</c>, where the timestamp is Unix seconds of the attempt. Receivers check the
/// signature and that the timestamp is within <see cref="ReplayWindow"/> of their clock (docs/alerts.md).
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "PulsePoint-Signature";
    public const string TimestampHeader = "PulsePoint-Timestamp";
    public const string DeliveryIdHeader = "PulsePoint-Delivery-Id";

    /// <summary>How far a receiver should let a timestamp be from its own clock, either way.</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    /// <summary>The signature header's value for <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
