namespace PulsePoint.Alerts;

/// <summary>A channel ready to send to: its settings and its opened secret. Lives in memory for one attempt; never logged.</summary>
/// <param name="Id">The channel id.</param>
/// <param name="IsOperator">An operator's channel (every tenant's alerts; may reach private networks).</param>
/// <param name="Kind">How it is reached.</param>
/// <param name="Name">Its name.</param>
/// <param name="Settings">What is not secret.</param>
/// <param name="Secret">The opened secret: signing secret, Slack URL or SMTP password.</param>
public sealed record AlertChannel(Guid Id, bool IsOperator, AlertChannelKind Kind, string Name, ChannelSettings Settings, string? Secret)
{
    /// <summary>The owner part of a sealed secret's associated data.</summary>
    public static string OwnerOf(Tenancy.TenantId? tenant) => tenant is { } t ? "tenant/" + t : "operator";

    /// <summary>Kept out of logs and exception messages by construction: the secret is not printed.</summary>
    public override string ToString() => $"{Kind} channel {Id:D} ({Name})";
}
