namespace PulsePoint.Tenancy;

/// <summary>The caller's tenant exists but is deactivated; its brand queries and writes are refused.</summary>
[GenerateSerializer, Alias("PulsePoint.TenantInactiveException")]
public sealed class TenantInactiveException : UnauthorizedAccessException
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public TenantInactiveException(string message) : base(message)
    {
    }
}
