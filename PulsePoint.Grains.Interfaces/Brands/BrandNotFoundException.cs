namespace PulsePoint.Brands;

/// <summary>A brand does not exist for the caller's tenant. Raised identically whether the id is unknown or belongs to another tenant, so it never reveals that another tenant's brand exists.</summary>
[GenerateSerializer, Alias("PulsePoint.BrandNotFoundException")]
public sealed class BrandNotFoundException : KeyNotFoundException
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public BrandNotFoundException(string message) : base(message)
    {
    }
}
