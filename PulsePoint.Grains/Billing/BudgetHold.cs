namespace PulsePoint.Billing;

/// <summary>One open budget reservation.</summary>
[GenerateSerializer, Immutable, Alias("PulsePoint.BudgetHold")]
public sealed record BudgetHold([property: Id(0)] decimal AmountUsd, [property: Id(1)] DateTimeOffset ExpiresAt);
