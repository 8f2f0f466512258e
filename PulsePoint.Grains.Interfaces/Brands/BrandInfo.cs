namespace PulsePoint.Brands;

/// <summary>A brand of the caller's tenant.</summary>
/// <param name="Id">The brand id.</param>
/// <param name="Name">The display name.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.BrandInfo")]
public sealed record BrandInfo(Guid Id, string Name);
