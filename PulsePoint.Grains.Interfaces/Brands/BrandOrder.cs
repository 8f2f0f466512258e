namespace PulsePoint.Brands;

/// <summary>An order to record for a brand.</summary>
/// <param name="Id">The order id; recording the same id again is a no-op.</param>
/// <param name="AmountUsd">Order amount in US dollars, at most two decimals, not negative.</param>
/// <param name="CreatedAt">When the order was placed.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.BrandOrder")]
public sealed record BrandOrder(Guid Id, decimal AmountUsd, DateTimeOffset CreatedAt);
