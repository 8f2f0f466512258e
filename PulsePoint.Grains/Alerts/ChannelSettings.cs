using System.Text.Json;
using System.Text.Json.Serialization;

namespace PulsePoint.Alerts;

/// <summary>
/// What a channel stores in its <c>settings</c> column: everything that is not secret. The secret (a webhook's
/// signing secret, a Slack URL, an SMTP password) is sealed in the <c>secret</c> column instead.
/// </summary>
public sealed record ChannelSettings
{
    [JsonPropertyName("url")] public string? Url { get; init; }

    /// <summary>A Slack hook's host, the one part of its URL that may be shown.</summary>
    [JsonPropertyName("host")] public string? Host { get; init; }

    [JsonPropertyName("to")] public IReadOnlyList<string> To { get; init; } = [];

    [JsonPropertyName("from")] public string? From { get; init; }

    [JsonPropertyName("smtp_host")] public string? SmtpHost { get; init; }

    [JsonPropertyName("smtp_port")] public int SmtpPort { get; init; }

    [JsonPropertyName("smtp_user")] public string? SmtpUser { get; init; }

    [JsonPropertyName("smtp_security")] public SmtpSecurity SmtpSecurity { get; init; }

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() }, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ChannelSettings FromJson(string json) => JsonSerializer.Deserialize<ChannelSettings>(json, Json) ?? new ChannelSettings();

    /// <summary>Where the channel goes, for people: never a secret.</summary>
    public string Target(AlertChannelKind kind) => kind switch
    {
        AlertChannelKind.Webhook => Url ?? "",
        AlertChannelKind.Slack => $"slack incoming webhook at {Host}",
        _ => $"{string.Join(", ", To)} via {SmtpHost}:{SmtpPort}",
    };
}
