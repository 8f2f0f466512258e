using System.ComponentModel.DataAnnotations;

namespace PulsePoint.Silo.HttpApi;

/// <summary>Limits of the HTTP API on the silo's web host (section <c>PulsePoint:Http</c>).</summary>
public sealed class HttpApiOptions : IValidatableObject
{
    public const string Section = "PulsePoint:Http";

    /// <summary>The largest request body accepted, in bytes, after gzip is undone; larger: 413.</summary>
    [Range(1024, 256 * 1024 * 1024, ErrorMessage = "PulsePoint:Http:MaxRequestBodyBytes must be between 1 KiB and 256 MiB")]
    public int MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The most events (or spans) one request may carry; more: 400.</summary>
    [Range(1, 100_000, ErrorMessage = "PulsePoint:Http:MaxEventsPerRequest must be between 1 and 100000")]
    public int MaxEventsPerRequest { get; set; } = 1000;

    /// <summary>Requests per second one key may make (a token bucket of this size, refilled every second); more: 429.</summary>
    [Range(1, 1_000_000, ErrorMessage = "PulsePoint:Http:RequestsPerSecondPerKey must be between 1 and 1000000")]
    public int RequestsPerSecondPerKey { get; set; } = 100;

    /// <summary>Events (and spans) per second one key may send; the bucket holds at least one full request. More: 429.</summary>
    [Range(1, 10_000_000, ErrorMessage = "PulsePoint:Http:EventsPerSecondPerKey must be between 1 and 10000000")]
    public int EventsPerSecondPerKey { get; set; } = 10_000;

    /// <summary>Failed authentications one client address may make per minute before it gets 429 without a key check.</summary>
    [Range(1, 100_000, ErrorMessage = "PulsePoint:Http:FailedAuthenticationsPerMinute must be between 1 and 100000")]
    public int FailedAuthenticationsPerMinute { get; set; } = 30;

    /// <summary>Who may open <c>/dashboard</c>, <c>/insights</c> and the admin endpoints: <c>Loopback</c> clients (default), holders of an <c>ApiKey</c>, or of a <c>Jwt</c> (or a key).</summary>
    public OperatorAccess OperatorAccess { get; set; } = OperatorAccess.Loopback;

    /// <summary>
    /// With <see cref="OperatorAccess.Loopback"/>: more client networks served as if local, comma-separated CIDRs (e.g. the
    /// address a container runtime's published port arrives from, <c>172.28.0.1/32</c>). None by default.
    /// </summary>
    public string? OperatorNetworks { get; set; }

    /// <summary>The networks of <see cref="OperatorNetworks"/>, parsed.</summary>
    public IReadOnlyList<System.Net.IPNetwork> ParsedOperatorNetworks() =>
        (OperatorNetworks ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => System.Net.IPNetwork.Parse(n)).ToList();

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var network in (OperatorNetworks ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!System.Net.IPNetwork.TryParse(network, out _))
            {
                yield return new ValidationResult($"PulsePoint:Http:OperatorNetworks: '{network}' is not a network such as 172.28.0.1/32", [nameof(OperatorNetworks)]);
            }
        }
    }
}
