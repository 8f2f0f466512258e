namespace PulsePoint.Brands;

/// <summary>One day of one campaign's ad performance for a brand.</summary>
/// <param name="CampaignId">The campaign, 1–100 characters.</param>
/// <param name="Day">The day the figures are for.</param>
/// <param name="SpendUsd">Spend in US dollars, not negative.</param>
/// <param name="Impressions">Impressions, not negative.</param>
/// <param name="Clicks">Clicks, not negative.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.AdPerformanceEntry")]
public sealed record AdPerformanceEntry(string CampaignId, DateOnly Day, decimal SpendUsd, long Impressions, long Clicks);
