using System.Security.Cryptography;
using System.Text;

namespace PulsePoint.Billing;

/// <summary>
/// Ids of the events billing raises itself, derived from what they are about (SHA-256 of a name,
/// RFC 9562 version 8): raising the same event again gives the same id, so the sink stores it once.
/// </summary>
internal static class DerivedEventId
{
    public static Guid Of(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
