using System.ComponentModel.DataAnnotations;

namespace PulsePoint.Destinations;

/// <summary>The Google Pub/Sub real-time destination (section <c>PulsePoint:Destinations:PubSub</c>).</summary>
public sealed class PubSubOptions
{
    public const string Section = "PulsePoint:Destinations:PubSub";

    /// <summary>The environment variable Google's clients read for the emulator's <c>host:port</c>.</summary>
    public const string EmulatorHostVariable = "PUBSUB_EMULATOR_HOST";

    /// <summary>The Google Cloud project that owns the topic.</summary>
    [Required(ErrorMessage = "PulsePoint:Destinations:PubSub:ProjectId is required when Realtime is PubSub")]
    [RegularExpression(@"^[a-z][a-z0-9\-]{4,28}[a-z0-9]$", ErrorMessage = "PulsePoint:Destinations:PubSub:ProjectId is not a Google Cloud project id")]
    public string? ProjectId { get; set; }

    /// <summary>The topic events are published to.</summary>
    [Required(ErrorMessage = "PulsePoint:Destinations:PubSub:TopicId is required when Realtime is PubSub")]
    [RegularExpression(@"^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$", ErrorMessage = "PulsePoint:Destinations:PubSub:TopicId is not a Pub/Sub topic id")]
    public string? TopicId { get; set; }

    /// <summary>
    /// <c>host:port</c> of a Pub/Sub emulator: plain HTTP, no credentials. When empty, the
    /// <c>PUBSUB_EMULATOR_HOST</c> environment variable is used, and without either the real service with
    /// Application Default Credentials.
    /// </summary>
    [RegularExpression(@"^[A-Za-z0-9.\-\[\]:]+:[0-9]{1,5}$", ErrorMessage = "PulsePoint:Destinations:PubSub:EmulatorHost must be host:port")]
    public string? EmulatorHost { get; set; }

    /// <summary>Create the topic on first use (a 409 ALREADY_EXISTS is fine). For the emulator and development.</summary>
    public bool CreateTopic { get; set; }

    /// <summary>The real service's endpoint.</summary>
    [Url]
    public string Endpoint { get; set; } = "https://pubsub.googleapis.com";

    /// <summary>Retries of one publish request after its first attempt; then delivery fails and the relay retries later.</summary>
    [Range(0, 20)]
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>The first backoff; each retry doubles it (with jitter) up to <see cref="MaxBackoff"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest backoff between two attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one request may take before it counts as DEADLINE_EXCEEDED and is retried.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The emulator host in effect: <see cref="EmulatorHost"/>, else <c>PUBSUB_EMULATOR_HOST</c>, else null.</summary>
    public string? EffectiveEmulatorHost =>
        string.IsNullOrWhiteSpace(EmulatorHost) ? NullIfBlank(Environment.GetEnvironmentVariable(EmulatorHostVariable)) : EmulatorHost;

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
