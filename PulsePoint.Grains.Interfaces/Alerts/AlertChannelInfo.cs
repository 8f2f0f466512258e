namespace PulsePoint.Alerts;

/// <summary>A channel as it is shown: what it is and how its deliveries stand. Never carries a secret.</summary>
/// <param name="Id">The channel id.</param>
/// <param name="Kind">How it is reached.</param>
/// <param name="Name">Its name.</param>
/// <param name="Target">Where it goes, without secrets: a webhook's URL, a Slack hook's host only, an email channel's recipients and SMTP server.</param>
/// <param name="CreatedAt">When it was added.</param>
/// <param name="Pending">Deliveries waiting for their first or next attempt.</param>
/// <param name="Delivered">Deliveries the receiver accepted.</param>
/// <param name="Failed">Deliveries given up after the last attempt (PulsePoint:Alerts:MaxAttempts).</param>
/// <param name="FailedAttempts">Attempts that failed, over all of the channel's deliveries.</param>
/// <param name="LastError">The most recent failed attempt's error, if the latest attempt failed.</param>
/// <param name="NextAttemptAt">When the next pending delivery is due.</param>
/// <param name="LastDeliveredAt">When a delivery last succeeded.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.AlertChannelInfo")]
public sealed record AlertChannelInfo(
    Guid Id,
    AlertChannelKind Kind,
    string Name,
    string Target,
    DateTimeOffset CreatedAt,
    long Pending,
    long Delivered,
    long Failed,
    long FailedAttempts,
    string? LastError,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? LastDeliveredAt);
