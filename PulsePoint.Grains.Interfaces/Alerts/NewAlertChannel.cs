namespace PulsePoint.Alerts;

/// <summary>
/// A channel to add. Webhook: <see cref="Url"/> (http or https) and optionally <see cref="Secret"/> (the
/// signing secret; one is generated when none is given). Slack: <see cref="Url"/>, the incoming-webhook URL.
/// Email: <see cref="To"/>, <see cref="From"/>, <see cref="SmtpHost"/> and the other SMTP fields.
/// </summary>
/// <param name="Kind">How the channel is reached.</param>
/// <param name="Name">A name for people, 1-200 characters.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.NewAlertChannel")]
public sealed record NewAlertChannel(AlertChannelKind Kind, string Name)
{
    /// <summary>Webhook endpoint or Slack incoming-webhook URL.</summary>
    [Id(0)] public string? Url { get; init; }

    /// <summary>Webhook signing secret (at least 24 characters); null: generated and returned once.</summary>
    [Id(1)] public string? Secret { get; init; }

    /// <summary>Email recipients.</summary>
    [Id(2)] public IReadOnlyList<string> To { get; init; } = [];

    /// <summary>Email sender address.</summary>
    [Id(3)] public string? From { get; init; }

    /// <summary>SMTP server host name or address.</summary>
    [Id(4)] public string? SmtpHost { get; init; }

    /// <summary>SMTP server port.</summary>
    [Id(5)] public int SmtpPort { get; init; } = 587;

    /// <summary>SMTP user; null: no authentication.</summary>
    [Id(6)] public string? SmtpUser { get; init; }

    /// <summary>SMTP password (stored sealed, never shown again).</summary>
    [Id(7)] public string? SmtpPassword { get; init; }

    /// <summary>How the SMTP connection is secured.</summary>
    [Id(8)] public SmtpSecurity SmtpSecurity { get; init; } = SmtpSecurity.Auto;
}
