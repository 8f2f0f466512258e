namespace PulsePoint.Billing;

/// <summary>The recorded cost of a tenant's AI events that named one budget reservation, for one UTC day.</summary>
/// <param name="Day">The UTC day of the events' timestamps.</param>
/// <param name="ReservationId">The reservation the events named (<c>StructuredEvent.BudgetReservationId</c>).</param>
/// <param name="CostUsd">Their priced cost in USD.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.ReservationUsage")]
public sealed record ReservationUsage(DateOnly Day, Guid ReservationId, decimal CostUsd);
