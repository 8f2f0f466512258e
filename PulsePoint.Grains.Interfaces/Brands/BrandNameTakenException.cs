namespace PulsePoint.Brands;

/// <summary>Another brand of the caller's own tenant already has this name (names are unique per tenant only).</summary>
[GenerateSerializer, Alias("PulsePoint.BrandNameTakenException")]
public sealed class BrandNameTakenException : InvalidOperationException
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public BrandNameTakenException(string message) : base(message)
    {
    }
}
