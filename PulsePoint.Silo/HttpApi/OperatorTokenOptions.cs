using System.ComponentModel.DataAnnotations;

namespace PulsePoint.Silo.HttpApi;

/// <summary>
/// Bearer tokens (JWT) from the operator's identity provider, read with <c>PulsePoint:Http:OperatorAccess=Jwt</c>
/// (section <c>PulsePoint:Http:Jwt</c>). Keys and issuer come from the provider's OpenID Connect metadata
/// (<see cref="Authority"/> or <see cref="MetadataAddress"/>) or, offline, from <see cref="Issuer"/> and
/// <see cref="SigningKeysPath"/>; the audience is always required.
/// </summary>
public sealed class OperatorTokenOptions
{
    public const string Section = "PulsePoint:Http:Jwt";

    /// <summary>The identity provider's issuer URL; its <c>/.well-known/openid-configuration</c> names the issuer and signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>The OpenID Connect metadata document's URL, when it is not under <see cref="Authority"/>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>Whether the metadata must be fetched over HTTPS (a plain-HTTP provider only on a trusted network).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The <c>iss</c> a token must carry; required without metadata, otherwise the metadata's issuer.</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> a token must carry: this silo's API identifier at the provider; several, comma-separated.</summary>
    public string? Audience { get; set; }

    /// <summary>Without metadata: a file of the provider's public signing keys, PEM (<c>BEGIN PUBLIC KEY</c>, RSA or EC, one or more) or a JWKS document.</summary>
    public string? SigningKeysPath { get; set; }

    /// <summary>The role or scope that makes a token an operator's (everything <c>OperatorAccess</c> guards).</summary>
    public string OperatorRole { get; set; } = "pulsepoint.operator";

    /// <summary>The claims searched for <see cref="OperatorRole"/>, comma-separated: arrays or single values, and space-separated scope lists.</summary>
    public string RoleClaims { get; set; } = "roles,role,scp,scope";

    /// <summary>
    /// The claim naming a tenant id (a UUID): a token with it is that tenant's, and sees its own <c>/insights</c> only, like
    /// a tenant key with <c>read</c>. Unset (the default): tokens never act for one tenant.
    /// </summary>
    public string? TenantClaim { get; set; }

    /// <summary>How far the token's <c>exp</c> and <c>nbf</c> may be off this silo's clock.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "PulsePoint:Http:Jwt:ClockSkew must be between 0 and 10 minutes")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The names in <see cref="RoleClaims"/>.</summary>
    public IReadOnlyList<string> RoleClaimNames() => Split(RoleClaims);

    /// <summary>The audiences in <see cref="Audience"/>.</summary>
    public IReadOnlyList<string> Audiences() => Split(Audience);

    /// <summary>True when keys and issuer come from OpenID Connect metadata rather than configured ones.</summary>
    public bool UsesMetadata => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(MetadataAddress);

    /// <summary>What is missing or wrong for <c>OperatorAccess=Jwt</c>, one line each; empty when the settings are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (Audiences().Count == 0)
        {
            yield return $"{Section}:Audience is required with OperatorAccess=Jwt: the audience (aud) this silo's tokens are issued for";
        }

        if (UsesMetadata)
        {
            foreach (var (name, value) in new[] { ("Authority", Authority), ("MetadataAddress", MetadataAddress) })
            {
                if (!string.IsNullOrWhiteSpace(value) && !IsUrl(value))
                {
                    yield return $"{Section}:{name} '{value}' is not an http(s) URL";
                }
                else if (RequireHttpsMetadata && !string.IsNullOrWhiteSpace(value) && !value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                {
                    yield return $"{Section}:{name} must be https (or set {Section}:RequireHttpsMetadata=false on a trusted network)";
                }
            }
        }
        else
        {
            if (string.IsNullOrWhiteSpace(Issuer))
            {
                yield return $"{Section}: set Authority (or MetadataAddress) for the provider's metadata, or Issuer and SigningKeysPath; Issuer is missing";
            }

            if (string.IsNullOrWhiteSpace(SigningKeysPath))
            {
                yield return $"{Section}: set Authority (or MetadataAddress) for the provider's metadata, or Issuer and SigningKeysPath; SigningKeysPath is missing";
            }
            else if (!File.Exists(SigningKeysPath))
            {
                yield return $"{Section}:SigningKeysPath '{SigningKeysPath}' does not exist";
            }
        }

        if (string.IsNullOrWhiteSpace(OperatorRole))
        {
            yield return $"{Section}:OperatorRole must not be empty";
        }

        if (RoleClaimNames().Count == 0)
        {
            yield return $"{Section}:RoleClaims must name at least one claim";
        }
    }

    private static bool IsUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private static List<string> Split(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
