using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using PulsePoint.ApiKeys;
using PulsePoint.Silo.Hosting;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.HttpApi;

/// <summary>
/// Operator tokens: with <see cref="OperatorAccess.Jwt"/>, the operator pages and admin endpoints accept a JWT from the
/// operator's identity provider beside API keys. The token's issuer, audience, lifetime and signature (asymmetric
/// algorithms only) are checked; then it is turned into the same claims an API key gives (<see cref="ApiKeyClaims"/>), so
/// every endpoint applies one rule: <see cref="OperatorTokenOptions.OperatorRole"/> makes it an operator's; a
/// <see cref="OperatorTokenOptions.TenantClaim"/> makes it one tenant's reader, even beside the role; neither grants
/// nothing (403). No token, claim or key material is logged.
/// </summary>
public static class OperatorTokens
{
    /// <summary>
    /// The scheme the operator pages' and admin endpoints' policies authenticate with: it forwards an API key
    /// (<c>pp_live_…</c>, <c>pp_oper_…</c>) to <see cref="ApiKeyClaims.Scheme"/>, and any other bearer token, with
    /// <see cref="OperatorAccess.Jwt"/>, to the JWT handler.
    /// </summary>
    public const string Scheme = "PulsePointOperator";

    /// <summary>The JWT handler's scheme.</summary>
    public const string JwtScheme = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>Signatures accepted: RSA and ECDSA. Never <c>none</c>, never HMAC (a shared secret the provider would also hold).</summary>
    public static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>
    /// Adds <see cref="Scheme"/> and, with <see cref="OperatorAccess.Jwt"/>, the JWT handler.
    /// </summary>
    /// <exception cref="ConfigurationErrorException">Jwt is chosen but the issuer, audience or keys are missing or unreadable.</exception>
    public static AuthenticationBuilder AddOperatorTokens(this AuthenticationBuilder authentication, IConfiguration configuration, OperatorAccess access)
    {
        authentication.AddPolicyScheme(Scheme, null, o => o.ForwardDefaultSelector = SchemeOf);
        if (access != OperatorAccess.Jwt)
        {
            return authentication;
        }

        var options = ValidatedOptions.Bind<OperatorTokenOptions>(configuration, OperatorTokenOptions.Section);
        var problems = options.Problems().ToList();
        if (problems.Count > 0)
        {
            throw new ConfigurationErrorException(string.Join("; ", problems));
        }

        var keys = options.UsesMetadata ? null : LoadSigningKeys(options.SigningKeysPath!);
        authentication.Services.AddSingleton(options);
        return authentication.AddJwtBearer(JwtScheme, jwt =>
        {
            if (!string.IsNullOrWhiteSpace(options.Authority))
            {
                jwt.Authority = options.Authority;
            }

            if (!string.IsNullOrWhiteSpace(options.MetadataAddress))
            {
                jwt.MetadataAddress = options.MetadataAddress;
            }

            jwt.RequireHttpsMetadata = options.RequireHttpsMetadata;
            // Claims keep their JWT names (roles, scp, the tenant claim), as the settings name them.
            jwt.MapInboundClaims = false;
            jwt.IncludeErrorDetails = false;
            jwt.SaveToken = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidIssuer = string.IsNullOrWhiteSpace(options.Issuer) ? null : options.Issuer,
                ValidateAudience = true,
                ValidAudiences = options.Audiences(),
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                IssuerSigningKeys = keys,
                ValidAlgorithms = Algorithms,
                ClockSkew = options.ClockSkew,
            };
            jwt.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    if (Grant(context.Principal!, options) is { } principal)
                    {
                        context.Principal = principal;
                    }
                    else
                    {
                        context.Fail("the tenant claim does not name one tenant id");
                    }

                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    var presented = IsBearer(context.Request.Headers.Authorization.ToString());
                    context.Response.Headers.WWWAuthenticate = presented ? "Bearer error=\"invalid_token\"" : "Bearer";
                    await Problems.Write(context.HttpContext, StatusCodes.Status401Unauthorized, "Bearer token required",
                        presented
                            ? "The token is not valid here: check its issuer, audience, expiry and signature."
                            : "Send an operator token from the identity provider, or an API key, as 'Authorization: Bearer …'.");
                },
                OnForbidden = context => Problems.Write(context.HttpContext, StatusCodes.Status403Forbidden, "Not allowed for this token",
                    $"The token is valid but does not grant this: an operator's token carries the role {OperatorTokenOptions.Section}:OperatorRole."),
            };
        });
    }

    /// <summary>
    /// The API-key claims a validated token grants: a tenant reader when it names a tenant, an operator when it carries the
    /// role, otherwise an identity without rights. Null when the tenant claim is not exactly one tenant id.
    /// </summary>
    public static ClaimsPrincipal? Grant(ClaimsPrincipal token, OperatorTokenOptions options)
    {
        var subject = "jwt:" + (token.FindFirst("sub")?.Value ?? "");
        if (!string.IsNullOrWhiteSpace(options.TenantClaim) && token.FindAll(options.TenantClaim).ToList() is { Count: > 0 } named)
        {
            return named.Count == 1 && TenantId.TryParse(named[0].Value, out var tenant)
                ? ApiKeyClaims.Principal(subject, tenant, ApiKeyScopes.Read, JwtScheme)
                : null;
        }

        var names = options.RoleClaimNames();
        var isOperator = token.Claims.Where(c => names.Contains(c.Type, StringComparer.Ordinal))
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Contains(options.OperatorRole, StringComparer.Ordinal);
        return isOperator ? ApiKeyClaims.Principal(subject, null, ApiKeyScopes.None, JwtScheme) : ApiKeyClaims.Nobody(subject, JwtScheme);
    }

    /// <summary>
    /// The public signing keys in <paramref name="path"/>: a JWKS document, or PEM blocks (<c>PUBLIC KEY</c> holding RSA or
    /// EC, <c>RSA PUBLIC KEY</c>, <c>CERTIFICATE</c>). A private key is refused: the silo needs only the public half.
    /// </summary>
    /// <exception cref="ConfigurationErrorException">The file holds no usable key, or a private one.</exception>
    public static IReadOnlyList<SecurityKey> LoadSigningKeys(string path)
    {
        var setting = $"{OperatorTokenOptions.Section}:SigningKeysPath '{path}'";
        var text = File.ReadAllText(path);
        var keys = new List<SecurityKey>();
        try
        {
            if (text.TrimStart().StartsWith('{'))
            {
                keys.AddRange(new JsonWebKeySet(text).GetSigningKeys());
            }
            else
            {
                var rest = text.AsSpan();
                while (PemEncoding.TryFind(rest, out var fields))
                {
                    keys.Add(PemKey(rest[fields.Label].ToString(), rest[fields.Location].ToString(), setting));
                    rest = rest[fields.Location.End..];
                }
            }
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException or System.Text.Json.JsonException)
        {
            throw new ConfigurationErrorException($"{setting} could not be read as PEM public keys or a JWKS document ({e.GetType().Name})");
        }

        return keys.Count > 0
            ? keys
            : throw new ConfigurationErrorException($"{setting} holds no public key: give PEM 'BEGIN PUBLIC KEY' blocks or a JWKS document");
    }

    private static SecurityKey PemKey(string label, string pem, string setting)
    {
        switch (label)
        {
            case "PUBLIC KEY":
                // SubjectPublicKeyInfo names its algorithm; try RSA, then EC.
                var rsa = RSA.Create();
                try
                {
                    rsa.ImportFromPem(pem);
                    return new RsaSecurityKey(rsa);
                }
                catch (CryptographicException)
                {
                    rsa.Dispose();
                }

                var ec = ECDsa.Create();
                ec.ImportFromPem(pem);
                return new ECDsaSecurityKey(ec);
            case "RSA PUBLIC KEY":
                var pkcs1 = RSA.Create();
                pkcs1.ImportFromPem(pem);
                return new RsaSecurityKey(pkcs1);
            case "CERTIFICATE":
                return new X509SecurityKey(X509Certificate2.CreateFromPem(pem));
            default:
                throw new ConfigurationErrorException($"{setting} holds a '{label}' block: give the identity provider's public keys only");
        }
    }

    private static string SchemeOf(HttpContext http)
    {
        var access = http.RequestServices.GetRequiredService<IOptions<HttpApiOptions>>().Value.OperatorAccess;
        return access == OperatorAccess.Jwt && !IsApiKey(http.Request.Headers.Authorization.ToString()) ? JwtScheme : ApiKeyClaims.Scheme;
    }

    private static bool IsBearer(string header) => header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    private static bool IsApiKey(string header)
    {
        if (!IsBearer(header))
        {
            return false;
        }

        var token = header["Bearer ".Length..].TrimStart();
        return token.StartsWith(ApiKeyId.PrefixOf(ApiKeyKind.Tenant), StringComparison.Ordinal)
            || token.StartsWith(ApiKeyId.PrefixOf(ApiKeyKind.Operator), StringComparison.Ordinal);
    }
}
