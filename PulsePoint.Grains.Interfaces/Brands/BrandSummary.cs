namespace PulsePoint.Brands;

/// <summary>One brand's figures for a date range.</summary>
/// <param name="BrandId">The brand.</param>
/// <param name="Name">The brand's display name.</param>
/// <param name="Range">The days the figures cover.</param>
/// <param name="Orders">Orders created in the range.</param>
/// <param name="RevenueUsd">Sum of those orders' amounts.</param>
/// <param name="AdSpendUsd">Ad spend on the range's days.</param>
/// <param name="Impressions">Ad impressions on the range's days.</param>
/// <param name="Clicks">Ad clicks on the range's days.</param>
/// <param name="ActiveCampaigns">Distinct campaigns with spend or impressions on the range's days.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.BrandSummary")]
public sealed record BrandSummary(
    Guid BrandId,
    string Name,
    DateRange Range,
    long Orders,
    decimal RevenueUsd,
    decimal AdSpendUsd,
    long Impressions,
    long Clicks,
    long ActiveCampaigns);
