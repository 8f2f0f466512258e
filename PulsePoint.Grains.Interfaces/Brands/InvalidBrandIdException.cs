namespace PulsePoint.Brands;

/// <summary>A brand id was malformed (not a canonical, non-empty UUID). Nothing was sent to the database.</summary>
[GenerateSerializer, Alias("PulsePoint.InvalidBrandIdException")]
public sealed class InvalidBrandIdException : ArgumentException
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public InvalidBrandIdException(string message) : base(message)
    {
    }
}
