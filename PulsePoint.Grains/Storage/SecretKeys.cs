namespace PulsePoint.Storage;

/// <summary>The 32-byte keys PulsePoint reads from configuration as base64 (tenant context, alert channel secrets).</summary>
public static class SecretKeys
{
    /// <summary>The key in <paramref name="base64"/>, or null unless it is 32 bytes of base64.</summary>
    public static byte[]? TryParse(string base64)
    {
        try
        {
            var key = Convert.FromBase64String(base64.Trim());
            return key.Length == 32 ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
