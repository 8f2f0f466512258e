using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PulsePoint.Operators;

/// <summary>
/// The operator marker a call to an <see cref="IOperatorGrain"/> interface carries in <c>RequestContext</c>:
/// <c>v1.{unix ms}.{base64 HMAC-SHA256}</c> over the version, the time, the target grain, the interface and the method,
/// made with the <see cref="OperatorCallKey"/>. It is good for <see cref="Lifetime"/> either side of the silo's clock
/// and for that one grain and method only, so a marker seen on the wire opens nothing else.
/// </summary>
public static class OperatorSignature
{
    /// <summary>The <c>RequestContext</c> key that carries the marker.</summary>
    public const string RequestContextKey = "pulsepoint-operator";

    /// <summary>How far the marker's time may be from the verifying silo's clock.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private const string Version = "v1";

    /// <summary>The marker for one call of <paramref name="method"/> of <paramref name="interfaceType"/> on <paramref name="target"/>.</summary>
    public static string Sign(byte[] key, GrainId target, GrainInterfaceType interfaceType, string method, DateTimeOffset now)
    {
        var issued = now.ToUnixTimeMilliseconds();
        return $"{Version}.{issued.ToString(CultureInfo.InvariantCulture)}.{Convert.ToBase64String(Mac(key, target, interfaceType, method, issued))}";
    }

    /// <summary>Whether <paramref name="marker"/> was made with <paramref name="key"/> for this call, within <see cref="Lifetime"/> of <paramref name="now"/>.</summary>
    public static bool Verify(byte[] key, string? marker, GrainId target, GrainInterfaceType interfaceType, string method, DateTimeOffset now)
    {
        var parts = marker?.Split('.');
        if (parts is not [Version, var issuedText, var macText]
            || !long.TryParse(issuedText, NumberStyles.None, CultureInfo.InvariantCulture, out var issued)
            || issued > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        if ((now - DateTimeOffset.FromUnixTimeMilliseconds(issued)).Duration() > Lifetime)
        {
            return false;
        }

        Span<byte> presented = stackalloc byte[HMACSHA256.HashSizeInBytes];
        return Convert.TryFromBase64String(macText, presented, out var length)
            && length == HMACSHA256.HashSizeInBytes
            && CryptographicOperations.FixedTimeEquals(presented, Mac(key, target, interfaceType, method, issued));
    }

    private static byte[] Mac(byte[] key, GrainId target, GrainInterfaceType interfaceType, string method, long issued) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(string.Join('\n', Version, issued.ToString(CultureInfo.InvariantCulture), target.ToString(), interfaceType.ToString(), method)));
}
