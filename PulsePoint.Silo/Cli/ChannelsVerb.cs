using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PulsePoint.Alerts;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// <c>channels add|list|remove|test</c>: a tenant's alert channels (<c>--tenant ID</c>, application role under
/// row-level security, the same store the <c>IAlertChannelsGrain</c> uses) or the operator's (<c>--operator</c>: added
/// and removed as the owner role, listed and tested as the pipeline role, which sees every tenant's deliveries). Needs
/// PostgreSQL and, for channels with secrets, <c>PulsePoint:Alerts:SecretKey</c>; not a running cluster. Its own
/// small parser: <c>--name value</c> pairs, the <c>--operator</c> flag, and <c>--PulsePoint:Section:Key=Value</c> settings.
/// </summary>
public static class ChannelsVerb
{
    public const string UsageLine = "channels   alert channels: channels add|list|remove|test (--tenant ID | --operator) ... (see docs/alerts.md)";

    private const string Help = """
        usage:
          channels add    (--tenant ID | --operator) --kind webhook --name NAME --url URL [--secret SECRET]
          channels add    (--tenant ID | --operator) --kind slack --name NAME --url HOOK_URL
          channels add    (--tenant ID | --operator) --kind email --name NAME --to A[,B...] --from ADDRESS --smtp-host HOST
                          [--smtp-port 587] [--smtp-user USER --smtp-password PASSWORD] [--smtp-security auto|none|starttls|ssl]
          channels list   (--tenant ID | --operator) [--deliveries N] [--format table|json]
          channels remove (--tenant ID | --operator) --id CHANNEL_ID
          channels test   (--tenant ID | --operator) --id CHANNEL_ID
        """;

    private static readonly HashSet<string> Flags = ["--operator"];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        if (args.Length == 0 || args[0] is not ("add" or "list" or "remove" or "test"))
        {
            throw new ConfigurationErrorException("channels needs add, list, remove or test" + Environment.NewLine + Help);
        }

        var (options, settings) = Parse(args[1..]);
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(settings)
            .Build();
        var isOperator = options.ContainsKey("--operator");
        TenantId? tenant = null;
        if (options.TryGetValue("--tenant", out var tenantText))
        {
            tenant = TenantId.TryParse(tenantText, out var id) ? id : throw new ConfigurationErrorException("--tenant must be a tenant id (a canonical UUID)");
        }

        if (isOperator == tenant.HasValue)
        {
            throw new ConfigurationErrorException("channels needs exactly one of --tenant ID and --operator");
        }

        var database = ValidatedOptions.Bind<DatabaseOptions>(configuration, DatabaseOptions.Section);
        var alerts = ValidatedOptions.Bind<AlertOptions>(configuration, AlertOptions.Section);
        await using var sources = new DataSources(Options.Create(database));
        var secrets = new ChannelSecrets(Options.Create(alerts));
        var store = new AlertChannelStore(new TenantDatabase(sources.Application), secrets);
        using var sender = new AlertSender(Options.Create(alerts), time);
        var now = time.GetUtcNow();

        switch (args[0])
        {
            case "add":
            {
                var channel = NewChannel(options);
                AlertChannelCreated created;
                if (tenant is { } t)
                {
                    created = await store.AddAsync(t, channel, now);
                }
                else
                {
                    await using var owner = Owner(database);
                    created = await store.AddOperatorAsync(owner, channel, now);
                }

                await output.WriteLineAsync($"added {Kind(created.Channel.Kind)} channel {created.Channel.Id:D} '{created.Channel.Name}': {created.Channel.Target}");
                if (created.SigningSecret is { } secret)
                {
                    await output.WriteLineAsync($"signing secret (shown this once; verify PulsePoint-Signature with it): {secret}");
                }

                return 0;
            }

            case "list":
            {
                var limit = options.TryGetValue("--deliveries", out var n) && int.TryParse(n, CultureInfo.InvariantCulture, out var parsed) ? parsed : 20;
                var channels = tenant is { } t ? await store.ListAsync(t) : await AlertChannelStore.ListOperatorAsync(sources.Pipeline);
                var deliveries = tenant is { } t2 ? await store.DeliveriesAsync(t2, limit) : await AlertChannelStore.OperatorDeliveriesAsync(sources.Pipeline, limit);
                var format = options.GetValueOrDefault("--format", "table");
                await output.WriteAsync(format switch
                {
                    "json" => Json(channels, deliveries),
                    "table" => Table(channels, deliveries),
                    _ => throw new ConfigurationErrorException($"--format must be table or json, not '{format}'"),
                });
                return 0;
            }

            case "remove":
            {
                var id = ChannelId(options);
                bool removed;
                if (tenant is { } t)
                {
                    removed = await store.RemoveAsync(t, id, now);
                }
                else
                {
                    await using var owner = Owner(database);
                    removed = await AlertChannelStore.RemoveOperatorAsync(owner, id, now);
                }

                await output.WriteLineAsync(removed ? $"removed channel {id:D}; its pending deliveries are cancelled" : $"no channel {id:D}");
                return removed ? 0 : 1;
            }

            default:
            {
                var id = ChannelId(options);
                var channel = tenant is { } t ? await store.GetAsync(t, id) : await store.GetOperatorAsync(sources.Pipeline, id);
                if (channel is null)
                {
                    await output.WriteLineAsync($"no channel {id:D}");
                    return 1;
                }

                // An operator channel's test message belongs to no tenant: it carries the nil tenant id.
                var result = await TestChannel.SendAsync(sender, tenant ?? default, channel, now);
                await output.WriteLineAsync(result.Delivered ? $"test message delivered to {Kind(channel.Kind)} channel {id:D}" : $"test message not delivered: {result.Error}");
                return result.Delivered ? 0 : 1;
            }
        }
    }

    private static (Dictionary<string, string> Options, string[] Settings) Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var settings = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg.Contains('=', StringComparison.Ordinal) || arg.StartsWith("--PulsePoint:", StringComparison.OrdinalIgnoreCase))
            {
                settings.Add(arg);
            }
            else if (Flags.Contains(arg))
            {
                options[arg] = "true";
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                options[arg] = args[++i];
            }
            else
            {
                throw new ConfigurationErrorException($"channels: unexpected argument '{arg}'" + Environment.NewLine + Help);
            }
        }

        return (options, settings.ToArray());
    }

    private static NewAlertChannel NewChannel(Dictionary<string, string> options)
    {
        var kind = options.GetValueOrDefault("--kind") switch
        {
            "webhook" => AlertChannelKind.Webhook,
            "slack" => AlertChannelKind.Slack,
            "email" => AlertChannelKind.Email,
            var other => throw new ConfigurationErrorException($"--kind must be webhook, slack or email, not '{other}'"),
        };
        try
        {
            return new NewAlertChannel(kind, options.GetValueOrDefault("--name") ?? throw new ConfigurationErrorException("channels add needs --name"))
            {
                Url = options.GetValueOrDefault("--url"),
                Secret = options.GetValueOrDefault("--secret"),
                To = options.TryGetValue("--to", out var to) ? to.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [],
                From = options.GetValueOrDefault("--from"),
                SmtpHost = options.GetValueOrDefault("--smtp-host"),
                SmtpPort = options.TryGetValue("--smtp-port", out var port) ? int.Parse(port, CultureInfo.InvariantCulture) : 587,
                SmtpUser = options.GetValueOrDefault("--smtp-user"),
                SmtpPassword = options.GetValueOrDefault("--smtp-password"),
                SmtpSecurity = options.GetValueOrDefault("--smtp-security", "auto") switch
                {
                    "auto" => SmtpSecurity.Auto,
                    "none" => SmtpSecurity.None,
                    "starttls" => SmtpSecurity.StartTls,
                    "ssl" => SmtpSecurity.SslOnConnect,
                    var other => throw new ConfigurationErrorException($"--smtp-security must be auto, none, starttls or ssl, not '{other}'"),
                },
            };
        }
        catch (FormatException)
        {
            throw new ConfigurationErrorException("--smtp-port must be a number");
        }
    }

    private static Guid ChannelId(Dictionary<string, string> options) =>
        Guid.TryParse(options.GetValueOrDefault("--id"), out var id) ? id : throw new ConfigurationErrorException("this needs --id with a channel id");

    private static Npgsql.NpgsqlDataSource Owner(DatabaseOptions database) =>
        DataSources.Create(database.Owner, "PulsePoint:Database:Owner (operator channels are written by the owner role)");

    private static string Kind(AlertChannelKind kind) => AlertChannelStore.Kind(kind);

    private static string Json(IReadOnlyList<AlertChannelInfo> channels, IReadOnlyList<AlertDeliveryStatus> deliveries) =>
        JsonSerializer.Serialize(new
        {
            channels = channels.Select(c => new
            {
                id = c.Id, kind = Kind(c.Kind), name = c.Name, target = c.Target, created_at = c.CreatedAt,
                pending = c.Pending, delivered = c.Delivered, failed = c.Failed, failed_attempts = c.FailedAttempts,
                last_error = c.LastError, next_attempt_at = c.NextAttemptAt, last_delivered_at = c.LastDeliveredAt,
            }),
            deliveries = deliveries.Select(d => new
            {
                delivery_id = d.DeliveryId, alert_id = d.AlertId, kind = d.Kind, summary = d.Summary, raised_at = d.RaisedAt,
                channel_id = d.ChannelId, channel = d.ChannelName, status = d.Status, attempts = d.Attempts,
                last_error = d.LastError, next_attempt_at = d.NextAttemptAt, delivered_at = d.DeliveredAt,
            }),
        }, new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;

    private static string Table(IReadOnlyList<AlertChannelInfo> channels, IReadOnlyList<AlertDeliveryStatus> deliveries)
    {
        var text = new StringBuilder();
        text.AppendLine("channels");
        Rows(text, ["id", "kind", "name", "pending", "delivered", "failed", "failed_attempts", "next_attempt", "last_error", "target"],
            channels.Select(c => new[]
            {
                c.Id.ToString("D"), Kind(c.Kind), c.Name, N(c.Pending), N(c.Delivered), N(c.Failed), N(c.FailedAttempts),
                Time(c.NextAttemptAt), c.LastError ?? "", c.Target,
            }));
        text.AppendLine().AppendLine("recent deliveries");
        Rows(text, ["raised_at", "kind", "channel", "status", "attempts", "next_attempt", "last_error", "delivery_id"],
            deliveries.Select(d => new[]
            {
                Time(d.RaisedAt), d.Kind, d.ChannelName, d.Status, N(d.Attempts), Time(d.NextAttemptAt), d.LastError ?? "", d.DeliveryId.ToString("D"),
            }));
        return text.ToString();
    }

    private static void Rows(StringBuilder text, string[] header, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { header };
        all.AddRange(rows);
        if (all.Count == 1)
        {
            text.AppendLine("(none)");
            return;
        }

        var widths = header.Select((_, c) => all.Max(r => r[c].Length)).ToArray();
        foreach (var row in all)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";
}
