namespace PulsePoint.Tenancy;

/// <summary>A tenant id was malformed (not a canonical, non-empty UUID). Nothing was sent to the database.</summary>
[GenerateSerializer, Alias("PulsePoint.InvalidTenantIdException")]
public sealed class InvalidTenantIdException : ArgumentException
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public InvalidTenantIdException(string message) : base($"Invalid tenant id: {message}.")
    {
    }
}
