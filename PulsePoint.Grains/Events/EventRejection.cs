namespace PulsePoint.Events;

/// <summary>An accepted event the sink refused while writing it: stored nowhere, and answered as rejected.</summary>
/// <param name="Event">The event.</param>
/// <param name="Field">The field at fault (C# property name), or <c>StructuredEvent</c> when PostgreSQL named none.</param>
/// <param name="Error">What is wrong, for the caller.</param>
public sealed record EventRejection(StructuredEvent Event, string Field, string Error);
