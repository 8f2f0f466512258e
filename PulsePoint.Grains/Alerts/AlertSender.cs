using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace PulsePoint.Alerts;

/// <summary>
/// Makes one attempt of one delivery: a signed webhook POST, a Slack message, or a mail over SMTP with MailKit.
/// Success is a 2xx answer (webhook, Slack) or the SMTP server's acceptance; anything else throws
/// <see cref="AlertSendException"/> with a reason that names no secret. Redirects are not followed. A tenant's
/// channel connects only to public addresses unless <see cref="AlertOptions.AllowPrivateNetworks"/>.
/// </summary>
public sealed class AlertSender : IDisposable
{
    private readonly IOptions<AlertOptions> _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _tenantHttp;
    private readonly HttpClient _operatorHttp;

    public AlertSender(IOptions<AlertOptions> options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _tenantHttp = CreateHttp(options.Value.AllowPrivateNetworks);
        _operatorHttp = CreateHttp(allowPrivate: true);
    }

    /// <summary>Sends <paramref name="delivery"/> once; returns when the receiver accepted it.</summary>
    /// <exception cref="AlertSendException">The attempt failed; retry later.</exception>
    public async Task SendAsync(AlertDelivery delivery, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Value.SendTimeout);
        try
        {
            switch (delivery.Channel.Kind)
            {
                case AlertChannelKind.Webhook:
                    await PostAsync(delivery, delivery.Channel.Settings.Url!, AlertMessage.WebhookBody(delivery), sign: true, timeout.Token);
                    break;
                case AlertChannelKind.Slack:
                    await PostAsync(delivery, Secret(delivery), AlertMessage.SlackBody(delivery), sign: false, timeout.Token);
                    break;
                default:
                    await MailAsync(delivery, timeout.Token);
                    break;
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new AlertSendException($"no answer within {_options.Value.SendTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s (PulsePoint:Alerts:SendTimeout)");
        }
        catch (AlertSendException)
        {
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new AlertSendException(Describe(e, delivery));
        }
    }

    public void Dispose()
    {
        _tenantHttp.Dispose();
        _operatorHttp.Dispose();
    }

    private async Task PostAsync(AlertDelivery delivery, string url, byte[] body, bool sign, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.DeliveryIdHeader, delivery.DeliveryId.ToString("D"));
        if (sign)
        {
            var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
            request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(Secret(delivery), timestamp, body));
        }

        var http = delivery.Channel.IsOperator ? _operatorHttp : _tenantHttp;
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var retryAfter = response.Headers.RetryAfter?.Delta
            ?? (response.Headers.RetryAfter?.Date is { } date ? date - _time.GetUtcNow() : null);
        throw new AlertSendException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", retryAfter > TimeSpan.Zero ? retryAfter : null);
    }

    private async Task MailAsync(AlertDelivery delivery, CancellationToken cancellationToken)
    {
        var settings = delivery.Channel.Settings;
        var message = new MimeMessage
        {
            Subject = AlertMessage.Subject(delivery),
            Body = new TextPart("plain") { Text = AlertMessage.Text(delivery) },
            // The idempotency id as the Message-ID too: mail systems that dedupe do so on it.
            MessageId = $"{delivery.DeliveryId:D}@pulsepoint",
        };
        message.From.Add(MailboxAddress.Parse(settings.From!));
        foreach (var to in settings.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Headers.Add("X-" + WebhookSignature.DeliveryIdHeader, delivery.DeliveryId.ToString("D"));
        message.Headers.Add("X-PulsePoint-Alert-Kind", delivery.Alert.Kind);

        var allowPrivate = delivery.Channel.IsOperator || _options.Value.AllowPrivateNetworks;
        var socket = await PublicNetworkGuard.ConnectAsync(settings.SmtpHost!, settings.SmtpPort, allowPrivate, cancellationToken);
        using var smtp = new SmtpClient { Timeout = (int)_options.Value.SendTimeout.TotalMilliseconds };
        await smtp.ConnectAsync(socket, settings.SmtpHost!, settings.SmtpPort, settings.SmtpSecurity switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => settings.SmtpPort == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable,
        }, cancellationToken);
        if (settings.SmtpUser is { } user)
        {
            await smtp.AuthenticateAsync(user, Secret(delivery), cancellationToken);
        }

        await smtp.SendAsync(message, cancellationToken);
        await smtp.DisconnectAsync(quit: true, cancellationToken);
    }

    private static string Secret(AlertDelivery delivery) =>
        delivery.Channel.Secret ?? throw new AlertSendException($"the {delivery.Channel.Kind} channel has no stored secret");

    // Exception texts name hosts and ports, not URLs' paths; a Slack URL is removed all the same, being the secret.
    private static string Describe(Exception e, AlertDelivery delivery)
    {
        var inner = e is HttpRequestException { InnerException: { } cause } ? $"{e.Message} ({cause.Message})" : e.Message;
        var text = e switch
        {
            AuthenticationException => "SMTP authentication failed: " + inner,
            SmtpCommandException smtp => $"SMTP {(int)smtp.StatusCode}: {inner}",
            _ => $"{e.GetType().Name}: {inner}",
        };
        if (delivery.Channel.Kind == AlertChannelKind.Slack && delivery.Channel.Secret is { Length: > 0 } url)
        {
            text = text.Replace(url, "(slack url)", StringComparison.Ordinal);
        }

        return text.Length <= 1000 ? text : text[..1000];
    }

    private static HttpClient CreateHttp(bool allowPrivate) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, ct) =>
        {
            var socket = await PublicNetworkGuard.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, allowPrivate, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { UserAgent = { new ProductInfoHeaderValue("PulsePoint-Alerts", "1") } },
        DefaultRequestVersion = HttpVersion.Version11,
    };
}
