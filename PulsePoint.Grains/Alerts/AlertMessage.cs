using System.Globalization;
using System.Text;
using System.Text.Json;
using PulsePoint.Events;

namespace PulsePoint.Alerts;

/// <summary>
/// The one place an alert becomes what a channel receives: the webhook's JSON body, the Slack message, the mail.
/// Each carries the delivery id, the idempotency id a receiver dedupes on; the body is the same on every attempt.
/// </summary>
public static class AlertMessage
{
    /// <summary>The kind of the message <c>channels test</c> sends; never raised as an alert.</summary>
    public const string TestKind = "alert.test";

    /// <summary>The webhook body (UTF-8 JSON, no indentation), documented in docs/alerts.md.</summary>
    public static byte[] WebhookBody(AlertDelivery delivery)
    {
        var alert = delivery.Alert;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", delivery.DeliveryId);
            json.WriteString("alert_id", alert.Id);
            json.WriteString("kind", alert.Kind);
            json.WriteString("severity", EventNames.Of(alert.Severity));
            json.WriteString("tenant_id", delivery.Tenant.Value);
            json.WriteString("day", alert.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            json.WriteString("raised_at", alert.RaisedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("summary", alert.Summary);
            json.WriteStartObject("details");
            foreach (var (key, value) in alert.Details)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteStartArray("resolves");
            foreach (var id in alert.Resolves)
            {
                json.WriteStringValue(id);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>A Slack incoming-webhook message: <c>text</c> (the notification line) and blocks with the details.</summary>
    public static byte[] SlackBody(AlertDelivery delivery)
    {
        var alert = delivery.Alert;
        var fields = string.Join("\n", alert.Details.Select(d => $"*{Escape(d.Key)}*: {Escape(d.Value)}"));
        var context = $"{alert.Kind} · tenant {delivery.Tenant} · alert {alert.Id:D} · delivery {delivery.DeliveryId:D}";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("text", $"{Icon(alert)} PulsePoint {Level(alert)}: {Escape(alert.Summary)}");
            json.WriteStartArray("blocks");
            Section(json, $"{Icon(alert)} *{Escape(alert.Summary)}*");
            if (fields.Length > 0)
            {
                Section(json, fields);
            }

            json.WriteStartObject();
            json.WriteString("type", "context");
            json.WriteStartArray("elements");
            json.WriteStartObject();
            json.WriteString("type", "mrkdwn");
            json.WriteString("text", Escape(context));
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The mail's subject line.</summary>
    public static string Subject(AlertDelivery delivery) =>
        OneLine($"[PulsePoint] {Level(delivery.Alert)} {delivery.Alert.Kind}: {delivery.Alert.Summary}", 200);

    /// <summary>The mail's plain-text body.</summary>
    public static string Text(AlertDelivery delivery)
    {
        var alert = delivery.Alert;
        var text = new StringBuilder();
        text.AppendLine(alert.Summary).AppendLine();
        foreach (var (key, value) in alert.Details)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{key}: {value}");
        }

        foreach (var id in alert.Resolves)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"resolves: {id:D}");
        }

        text.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"kind: {alert.Kind}")
            .AppendLine(CultureInfo.InvariantCulture, $"severity: {EventNames.Of(alert.Severity)}")
            .AppendLine(CultureInfo.InvariantCulture, $"tenant: {delivery.Tenant}")
            .AppendLine(CultureInfo.InvariantCulture, $"day (UTC): {alert.Day:yyyy-MM-dd}")
            .AppendLine(CultureInfo.InvariantCulture, $"raised at: {alert.RaisedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC")
            .AppendLine(CultureInfo.InvariantCulture, $"alert id: {alert.Id:D}")
            .AppendLine(CultureInfo.InvariantCulture, $"delivery id: {delivery.DeliveryId:D}");
        return text.ToString();
    }

    private static void Section(Utf8JsonWriter json, string markdown)
    {
        json.WriteStartObject();
        json.WriteString("type", "section");
        json.WriteStartObject("text");
        json.WriteString("type", "mrkdwn");
        json.WriteString("text", OneLine(markdown, 2900, keepNewLines: true));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static string Level(Alert alert) => EventNames.Of(alert.Severity).ToUpperInvariant();

    private static string Icon(Alert alert) => alert.Kind == AlertKinds.Resolved ? ":white_check_mark:" : alert.Severity >= EventSeverity.Error ? ":rotating_light:" : ":warning:";

    // Slack reads <, > and & as control characters in message text.
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string OneLine(string text, int max, bool keepNewLines = false)
    {
        var clean = keepNewLines ? text : text.Replace('\r', ' ').Replace('\n', ' ');
        return clean.Length <= max ? clean : clean[..(max - 1)] + "…";
    }
}
