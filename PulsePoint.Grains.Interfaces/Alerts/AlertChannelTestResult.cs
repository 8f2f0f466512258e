namespace PulsePoint.Alerts;

/// <summary>The outcome of sending a test message to a channel now, outside the outbox.</summary>
/// <param name="Delivered">True when the receiver accepted it.</param>
/// <param name="Error">Why not, without secrets.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.AlertChannelTestResult")]
public sealed record AlertChannelTestResult(bool Delivered, string? Error);
