namespace PulsePoint.Brands;

/// <summary>
/// PostgreSQL failed or was unreachable while serving a brand call (the driver's own exception types do
/// not cross the wire). Usually transient: retrying later is safe, since every write is idempotent.
/// </summary>
[GenerateSerializer, Alias("PulsePoint.BrandStorageException")]
public sealed class BrandStorageException : Exception
{
    /// <summary>Creates the exception with a message that says what failed.</summary>
    public BrandStorageException(string message) : base(message)
    {
    }
}
