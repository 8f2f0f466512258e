using System.ComponentModel.DataAnnotations;
using PulsePoint.Storage;

namespace PulsePoint.Alerts;

/// <summary>Alert delivery (section <c>PulsePoint:Alerts</c>).</summary>
public sealed class AlertOptions : IValidatableObject
{
    public const string Section = "PulsePoint:Alerts";

    /// <summary>
    /// The key that seals channel secrets (webhook signing secrets, Slack URLs, SMTP passwords) in PostgreSQL:
    /// 32 random bytes, base64 (<c>openssl rand -base64 32</c>). Null: channels with secrets can be neither added nor used.
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>Whether this silo runs a delivery worker (every silo does by default; they share the work).</summary>
    public bool DeliveryEnabled { get; set; } = true;

    /// <summary>How often an idle worker looks for due deliveries; an alert raised on this silo wakes it at once.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00", ErrorMessage = "PulsePoint:Alerts:PollPeriod must be between 50 ms and 10 min")]
    public TimeSpan PollPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Wait after a delivery's first failed attempt; it doubles with each further failure up to <see cref="MaxBackoff"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "PulsePoint:Alerts:InitialBackoff must be between 10 ms and 1 hour")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait between two attempts of one delivery.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00", ErrorMessage = "PulsePoint:Alerts:MaxBackoff must be between 10 ms and 1 day")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Attempts after which a delivery is given up (status <c>failed</c>).</summary>
    [Range(1, 1000, ErrorMessage = "PulsePoint:Alerts:MaxAttempts must be between 1 and 1000")]
    public int MaxAttempts { get; set; } = 20;

    /// <summary>How long one attempt (connect, send, answer) may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ErrorMessage = "PulsePoint:Alerts:SendTimeout must be between 100 ms and 5 min")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts one worker runs at once; a channel has at most one attempt in flight per worker.</summary>
    [Range(1, 256, ErrorMessage = "PulsePoint:Alerts:MaxConcurrentSends must be between 1 and 256")]
    public int MaxConcurrentSends { get; set; } = 16;

    /// <summary>
    /// Whether a tenant's channel may point at a loopback, private, link-local or otherwise non-public address.
    /// Off by default, so a tenant cannot make the silo call its own network; the operator's channels may always.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How long a claimed delivery stays with its worker before another may take it (a crashed silo's claims return then).</summary>
    public TimeSpan Lease => SendTimeout * 2 + TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SecretKey is { } key && SecretKeys.TryParse(key) is null)
        {
            yield return new ValidationResult("PulsePoint:Alerts:SecretKey must be 32 bytes in base64, e.g. the output of `openssl rand -base64 32`");
        }

        if (MaxBackoff < InitialBackoff)
        {
            yield return new ValidationResult("PulsePoint:Alerts:MaxBackoff must not be below PulsePoint:Alerts:InitialBackoff");
        }
    }
}
