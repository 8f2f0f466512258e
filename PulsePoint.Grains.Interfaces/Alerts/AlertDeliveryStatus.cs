namespace PulsePoint.Alerts;

/// <summary>One delivery of one alert to one channel.</summary>
/// <param name="DeliveryId">The idempotency id the receiver dedupes on (header and body).</param>
/// <param name="AlertId">The alert.</param>
/// <param name="Kind">The alert's kind.</param>
/// <param name="Summary">The alert's summary line.</param>
/// <param name="RaisedAt">When the alert was raised.</param>
/// <param name="ChannelId">The channel (a tenant's own; an operator channel is never shown to a tenant).</param>
/// <param name="ChannelName">The channel's name.</param>
/// <param name="Status"><c>pending</c>, <c>delivered</c>, <c>failed</c> (given up) or <c>cancelled</c> (channel removed).</param>
/// <param name="Attempts">Attempts made so far.</param>
/// <param name="LastError">The last failed attempt's error.</param>
/// <param name="NextAttemptAt">When a pending delivery is next tried.</param>
/// <param name="DeliveredAt">When it was delivered.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.AlertDeliveryStatus")]
public sealed record AlertDeliveryStatus(
    Guid DeliveryId,
    Guid AlertId,
    string Kind,
    string Summary,
    DateTimeOffset RaisedAt,
    Guid ChannelId,
    string ChannelName,
    string Status,
    int Attempts,
    string? LastError,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt);
