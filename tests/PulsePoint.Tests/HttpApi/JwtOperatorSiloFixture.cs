using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.HttpApi;

/// <summary>
/// A silo host whose operator pages take tokens from an identity provider (<c>PulsePoint:Http:OperatorAccess=Jwt</c>),
/// configured offline: an issuer, an audience and a PEM file of two public keys (ECDSA P-256 and RSA) made here, whose
/// private halves <see cref="Token"/> signs with. Its own database and ports; every log line is kept in <see cref="Logs"/>.
/// </summary>
public sealed class JwtOperatorSiloFixture : HttpSiloFixture, IDisposable
{
    public const string Issuer = "https://idp.example.test/realms/ops";

    public const string Audience = "pulsepoint-silo";

    public const string OperatorRole = "pulsepoint.operator";

    public const string TenantClaim = "pulsepoint_tenant_id";

    public static readonly TestDatabase.ClusterDatabase JwtDatabase = TestDatabase.ForCluster("pulsepoint_test_http_jwt");

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pulsepoint-jwt-" + Guid.NewGuid().ToString("N"));

    public JwtOperatorSiloFixture()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(KeysPath, EcKey.ExportSubjectPublicKeyInfoPem() + "\n" + RsaKey.ExportSubjectPublicKeyInfoPem() + "\n");
    }

    /// <summary>The provider's ECDSA key: what tokens are signed with by default.</summary>
    public ECDsa EcKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The provider's second key, RSA, also in the silo's key file.</summary>
    public RSA RsaKey { get; } = RSA.Create(2048);

    public string KeysPath => Path.Combine(_folder, "idp-keys.pem");

    public CapturedLogs Logs { get; } = new();

    protected override TestDatabase.ClusterDatabase OwnDatabase => JwtDatabase;

    protected override string[] ExtraSettings =>
    [
        .. DatabaseSettings(JwtDatabase),
        "--PulsePoint:Silo:SiloPort=22531",
        "--PulsePoint:Silo:GatewayPort=41531",
        "--PulsePoint:Silo:ClusterId=pulsepoint-jwt-tests",
        "--PulsePoint:Destinations:Warehouse=DuckDb",
        $"--PulsePoint:Destinations:DuckDb:Path={Path.Combine(_folder, "warehouse.duckdb")}",
        "--PulsePoint:Http:OperatorAccess=Jwt",
        $"--PulsePoint:Http:Jwt:Issuer={Issuer}",
        $"--PulsePoint:Http:Jwt:Audience={Audience}",
        $"--PulsePoint:Http:Jwt:SigningKeysPath={KeysPath}",
        $"--PulsePoint:Http:Jwt:TenantClaim={TenantClaim}",
    ];

    protected override void Configure(WebApplicationBuilder builder)
    {
        builder.Logging.AddProvider(Logs);
        // Everything authentication and PulsePoint write, whatever the level the other providers see.
        builder.Logging.AddFilter<CapturedLogs>("Microsoft.AspNetCore", LogLevel.Trace);
        builder.Logging.AddFilter<CapturedLogs>("Microsoft.IdentityModel", LogLevel.Trace);
        builder.Logging.AddFilter<CapturedLogs>("PulsePoint", LogLevel.Trace);
    }

    /// <summary>
    /// A token from the provider: issuer and audience as configured, valid from a minute ago for <paramref name="lifetime"/>
    /// (default 10 minutes; negative: expired that long ago), with <paramref name="claims"/>, signed by <paramref name="key"/>
    /// (default <see cref="EcKey"/>), or <paramref name="unsigned"/> (<c>alg: none</c>).
    /// </summary>
    public string Token(IDictionary<string, object> claims, TimeSpan? lifetime = null, string? audience = null, SigningCredentials? key = null, bool unsigned = false)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(10));
        var notBefore = expires > now ? now.AddMinutes(-1) : expires.AddMinutes(-10);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience ?? Audience,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            Claims = new Dictionary<string, object>(claims) { ["sub"] = "person-" + Guid.NewGuid().ToString("N") },
            SigningCredentials = unsigned ? null : key ?? new SigningCredentials(new ECDsaSecurityKey(EcKey), SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>An operator's token: the role in <c>roles</c>, as Entra ID and Keycloak (with a flat mapper) put it.</summary>
    public string OperatorToken() => Token(new Dictionary<string, object> { ["roles"] = new[] { "reader", OperatorRole } });

    public void Dispose()
    {
        EcKey.Dispose();
        RsaKey.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
