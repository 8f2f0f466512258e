namespace PulsePoint.Brands;

/// <summary>One row of the cross-brand metrics of a tenant.</summary>
/// <param name="BrandId">The brand.</param>
/// <param name="Name">The brand's display name.</param>
/// <param name="Orders">Orders created in the range.</param>
/// <param name="RevenueUsd">Sum of those orders' amounts (each order counted once).</param>
/// <param name="ActiveCampaigns">Distinct campaigns with spend or impressions on the range's days.</param>
/// <param name="AdSpendUsd">Ad spend on the range's days.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.BrandMetrics")]
public sealed record BrandMetrics(Guid BrandId, string Name, long Orders, decimal RevenueUsd, long ActiveCampaigns, decimal AdSpendUsd);
