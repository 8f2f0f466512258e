using System.CommandLine;
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
/// PostgreSQL and, for channels with secrets, <c>PulsePoint:Alerts:SecretKey</c>; not a running cluster.
/// </summary>
public static class ChannelsVerb
{
    public static Command Create()
    {
        var command = new Command("channels", "a tenant's or the operator's alert channels (webhook, Slack, email) and their delivery status; see docs/alerts.md");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Remove());
        command.Subcommands.Add(Test());
        return command;
    }

    private static Command Add()
    {
        var (tenant, isOperator) = Owners();
        var kind = VerbOptions.OneOf("--kind", "the channel's kind", "webhook", "slack", "email");
        var name = new Option<string>("--name") { Description = "a name to tell the channel by", Required = true };
        var url = new Option<string?>("--url") { Description = "webhook: the URL to POST to; slack: the incoming-webhook URL" };
        var secret = new Option<string?>("--secret") { Description = "webhook: the signing secret (default: a new random one, shown once)" };
        var to = new Option<string?>("--to") { Description = "email: recipients, comma-separated" };
        var from = new Option<string?>("--from") { Description = "email: the sender address" };
        var smtpHost = new Option<string?>("--smtp-host") { Description = "email: the SMTP server" };
        var smtpPort = VerbOptions.WholeNumber("--smtp-port", "email: the SMTP port", 587, 1, 65535);
        var smtpUser = new Option<string?>("--smtp-user") { Description = "email: the SMTP user" };
        var smtpPassword = new Option<string?>("--smtp-password") { Description = "email: the SMTP password" };
        var smtpSecurity = VerbOptions.OneOf("--smtp-security", "email: how to secure the connection", "auto", "none", "starttls", "ssl");
        var command = new Command("add", "adds a channel; a webhook's signing secret is shown this once")
        {
            tenant, isOperator, kind, name, url, secret, to, from, smtpHost, smtpPort, smtpUser, smtpPassword, smtpSecurity,
        };
        command.SetAction((result, ct) => RunAsync(result, tenant, isOperator, async (context, output) =>
        {
            var channel = new NewAlertChannel(Kind(result.GetValue(kind)!), result.GetValue(name)!)
            {
                Url = result.GetValue(url),
                Secret = result.GetValue(secret),
                To = result.GetValue(to)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
                From = result.GetValue(from),
                SmtpHost = result.GetValue(smtpHost),
                SmtpPort = result.GetValue(smtpPort),
                SmtpUser = result.GetValue(smtpUser),
                SmtpPassword = result.GetValue(smtpPassword),
                SmtpSecurity = result.GetValue(smtpSecurity) switch
                {
                    "none" => SmtpSecurity.None,
                    "starttls" => SmtpSecurity.StartTls,
                    "ssl" => SmtpSecurity.SslOnConnect,
                    _ => SmtpSecurity.Auto,
                },
            };
            AlertChannelCreated created;
            if (context.Tenant is { } t)
            {
                created = await context.Store.AddAsync(t, channel, context.Now);
            }
            else
            {
                await using var owner = Owner(context.Database);
                created = await context.Store.AddOperatorAsync(owner, channel, context.Now);
            }

            await output.WriteLineAsync($"added {Kind(created.Channel.Kind)} channel {created.Channel.Id:D} '{created.Channel.Name}': {created.Channel.Target}");
            if (created.SigningSecret is { } signing)
            {
                await output.WriteLineAsync($"signing secret (shown this once; verify PulsePoint-Signature with it): {signing}");
            }

            return 0;
        }, ct));
        return command;
    }

    private static Command List()
    {
        var (tenant, isOperator) = Owners();
        var deliveries = VerbOptions.WholeNumber("--deliveries", "how many recent deliveries to show", 20, 0, 1000);
        var format = VerbOptions.OneOf("--format", "table for people, json for tools", "table", "json");
        var command = new Command("list", "the channels with their delivery counts, then the recent deliveries") { tenant, isOperator, deliveries, format };
        command.SetAction((result, ct) => RunAsync(result, tenant, isOperator, async (context, output) =>
        {
            var limit = result.GetValue(deliveries);
            var channels = context.Tenant is { } t ? await context.Store.ListAsync(t) : await AlertChannelStore.ListOperatorAsync(context.Sources.Pipeline);
            var recent = context.Tenant is { } t2 ? await context.Store.DeliveriesAsync(t2, limit) : await AlertChannelStore.OperatorDeliveriesAsync(context.Sources.Pipeline, limit);
            await output.WriteAsync(result.GetValue(format) == "json" ? Json(channels, recent) : Table(channels, recent));
            return 0;
        }, ct));
        return command;
    }

    private static Command Remove()
    {
        var (tenant, isOperator) = Owners();
        var id = ChannelIdOption();
        var command = new Command("remove", "removes a channel; its pending deliveries are cancelled") { tenant, isOperator, id };
        command.SetAction((result, ct) => RunAsync(result, tenant, isOperator, async (context, output) =>
        {
            var channel = result.GetValue(id)!.Value;
            bool removed;
            if (context.Tenant is { } t)
            {
                removed = await context.Store.RemoveAsync(t, channel, context.Now);
            }
            else
            {
                await using var owner = Owner(context.Database);
                removed = await AlertChannelStore.RemoveOperatorAsync(owner, channel, context.Now);
            }

            await output.WriteLineAsync(removed ? $"removed channel {channel:D}; its pending deliveries are cancelled" : $"no channel {channel:D}");
            return removed ? 0 : 1;
        }, ct));
        return command;
    }

    private static Command Test()
    {
        var (tenant, isOperator) = Owners();
        var id = ChannelIdOption();
        var command = new Command("test", "sends a test message to a channel now") { tenant, isOperator, id };
        command.SetAction((result, ct) => RunAsync(result, tenant, isOperator, async (context, output) =>
        {
            var channelId = result.GetValue(id)!.Value;
            var channel = context.Tenant is { } t ? await context.Store.GetAsync(t, channelId) : await context.Store.GetOperatorAsync(context.Sources.Pipeline, channelId);
            if (channel is null)
            {
                await output.WriteLineAsync($"no channel {channelId:D}");
                return 1;
            }

            using var sender = new AlertSender(Options.Create(context.Alerts), context.Time);
            // An operator channel's test message belongs to no tenant: it carries the nil tenant id.
            var sent = await TestChannel.SendAsync(sender, context.Tenant ?? default, channel, context.Now);
            await output.WriteLineAsync(sent.Delivered ? $"test message delivered to {Kind(channel.Kind)} channel {channelId:D}" : $"test message not delivered: {sent.Error}");
            return sent.Delivered ? 0 : 1;
        }, ct));
        return command;
    }

    /// <summary>Whose channels: <c>--tenant ID</c> (application role under RLS) or <c>--operator</c> (owner writes, pipeline reads).</summary>
    private static (Option<TenantId?> Tenant, Option<bool> Operator) Owners() =>
        (VerbOptions.Tenant("the tenant whose channels these are", required: false),
         new Option<bool>("--operator") { Description = "the operator's channels, which receive every tenant's alerts" });

    private static Option<Guid?> ChannelIdOption() => new("--id")
    {
        Description = "the channel's id",
        Required = true,
        CustomParser = result => Guid.TryParse(result.Tokens.Single().Value, out var id) ? id : Invalid(result),
    };

    private static Guid? Invalid(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError("--id must be a channel id (a UUID)");
        return null;
    }

    private static async Task<int> RunAsync(
        ParseResult result, Option<TenantId?> tenantOption, Option<bool> operatorOption, Func<ChannelsContext, TextWriter, Task<int>> action, CancellationToken cancellationToken)
    {
        var tenant = result.GetValue(tenantOption);
        if (result.GetValue(operatorOption) == tenant.HasValue)
        {
            throw new VerbUsageException("needs exactly one of --tenant ID and --operator");
        }

        var configuration = VerbConfiguration.From(result);
        var database = ValidatedOptions.Bind<DatabaseOptions>(configuration, DatabaseOptions.Section);
        var alerts = ValidatedOptions.Bind<AlertOptions>(configuration, AlertOptions.Section);
        await using var sources = new DataSources(Options.Create(database));
        var store = new AlertChannelStore(VerbConfiguration.TenantDatabase(sources.Application, database), new ChannelSecrets(Options.Create(alerts)));
        var time = TimeProvider.System;
        cancellationToken.ThrowIfCancellationRequested();
        return await action(new ChannelsContext(tenant, database, alerts, sources, store, time, time.GetUtcNow()), result.InvocationConfiguration.Output);
    }

    private sealed record ChannelsContext(
        TenantId? Tenant, DatabaseOptions Database, AlertOptions Alerts, DataSources Sources, AlertChannelStore Store, TimeProvider Time, DateTimeOffset Now);

    private static AlertChannelKind Kind(string kind) => kind switch
    {
        "slack" => AlertChannelKind.Slack,
        "email" => AlertChannelKind.Email,
        _ => AlertChannelKind.Webhook,
    };

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
