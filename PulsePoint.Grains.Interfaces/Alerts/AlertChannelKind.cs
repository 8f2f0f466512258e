namespace PulsePoint.Alerts;

/// <summary>How an alert channel is reached.</summary>
public enum AlertChannelKind
{
    /// <summary>An HTTPS endpoint of the tenant: a signed JSON POST (docs/alerts.md, "Webhook").</summary>
    Webhook,

    /// <summary>A Slack incoming webhook: a message POSTed to its URL, which is itself a secret.</summary>
    Slack,

    /// <summary>Mail through an SMTP server.</summary>
    Email,
}
