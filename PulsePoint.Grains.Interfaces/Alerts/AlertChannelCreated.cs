namespace PulsePoint.Alerts;

/// <summary>A channel just added.</summary>
/// <param name="Channel">The channel as it is shown from now on.</param>
/// <param name="SigningSecret">A webhook's signing secret, returned this once (stored sealed, never shown again); null for other kinds.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.AlertChannelCreated")]
public sealed record AlertChannelCreated(AlertChannelInfo Channel, string? SigningSecret);
