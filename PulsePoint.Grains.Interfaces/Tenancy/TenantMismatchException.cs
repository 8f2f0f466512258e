namespace PulsePoint.Tenancy;

/// <summary>
/// A call reached a tenant-keyed grain without a caller tenant, or with a caller tenant that is not the
/// grain's. Raised by the silo's incoming call filter before the grain method runs. The message never
/// names the grain's tenant, so it leaks nothing about other tenants.
/// </summary>
[GenerateSerializer, Alias("PulsePoint.TenantMismatchException")]
public sealed class TenantMismatchException : UnauthorizedAccessException
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public TenantMismatchException(string message) : base(message)
    {
    }
}
