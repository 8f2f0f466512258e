using System.Net.Mail;
using System.Security.Cryptography;

namespace PulsePoint.Alerts;

/// <summary>Checks a <see cref="NewAlertChannel"/> and splits it into what is stored in the clear and what is sealed.</summary>
public static class AlertChannelSpec
{
    private const int MinSecretLength = 24;

    /// <summary>The channel's settings, its secret to seal (if any), and a generated webhook signing secret to show once.</summary>
    /// <exception cref="InvalidAlertChannelException">A field is missing or malformed; the message names it.</exception>
    public static (ChannelSettings Settings, string? Secret, string? GeneratedSigningSecret) Check(NewAlertChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (string.IsNullOrWhiteSpace(channel.Name) || channel.Name.Length > 200)
        {
            throw new InvalidAlertChannelException("Name must be 1-200 characters.");
        }

        switch (channel.Kind)
        {
            case AlertChannelKind.Webhook:
            {
                var url = HttpUrl(channel.Url, "Url (the webhook endpoint)");
                if (channel.Secret is { } given && given.Length < MinSecretLength)
                {
                    throw new InvalidAlertChannelException($"Secret must be at least {MinSecretLength} characters; leave it out to have one generated.");
                }

                var generated = channel.Secret is null ? NewSigningSecret() : null;
                return (new ChannelSettings { Url = url.GetLeftPart(UriPartial.Path) + url.Query }, channel.Secret ?? generated, generated);
            }

            case AlertChannelKind.Slack:
            {
                var url = HttpUrl(channel.Url, "Url (the Slack incoming-webhook URL)");
                return (new ChannelSettings { Host = url.Host }, url.AbsoluteUri, null);
            }

            case AlertChannelKind.Email:
            {
                if (channel.To.Count == 0 || channel.To.Count > 20)
                {
                    throw new InvalidAlertChannelException("To must name 1-20 recipients.");
                }

                foreach (var address in channel.To.Append(channel.From ?? ""))
                {
                    if (!MailAddress.TryCreate(address, out _))
                    {
                        throw new InvalidAlertChannelException($"'{address}' is not an email address (To, From).");
                    }
                }

                if (string.IsNullOrWhiteSpace(channel.SmtpHost) || Uri.CheckHostName(channel.SmtpHost) == UriHostNameType.Unknown)
                {
                    throw new InvalidAlertChannelException("SmtpHost must be a host name or an address.");
                }

                if (channel.SmtpPort is < 1 or > 65535)
                {
                    throw new InvalidAlertChannelException("SmtpPort must be between 1 and 65535.");
                }

                if ((channel.SmtpUser is null) != (channel.SmtpPassword is null))
                {
                    throw new InvalidAlertChannelException("SmtpUser and SmtpPassword go together: give both or neither.");
                }

                return (new ChannelSettings
                {
                    To = channel.To.ToArray(),
                    From = channel.From,
                    SmtpHost = channel.SmtpHost,
                    SmtpPort = channel.SmtpPort,
                    SmtpUser = channel.SmtpUser,
                    SmtpSecurity = channel.SmtpSecurity,
                }, channel.SmtpPassword, null);
            }

            default:
                throw new InvalidAlertChannelException($"Kind {channel.Kind} is not a channel kind.");
        }
    }

    /// <summary>A new webhook signing secret: <c>whsec_</c> and 32 random bytes in base64url.</summary>
    public static string NewSigningSecret() =>
        "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Uri HttpUrl(string? text, string field)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || url.UserInfo.Length > 0)
        {
            throw new InvalidAlertChannelException($"{field} must be an absolute http(s) URL without user information.");
        }

        return url;
    }
}
