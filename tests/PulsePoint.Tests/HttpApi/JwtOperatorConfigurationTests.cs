using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using PulsePoint.Silo.Hosting;
using PulsePoint.Silo.HttpApi;

namespace PulsePoint.Tests.HttpApi;

/// <summary>With <c>OperatorAccess=Jwt</c>, a silo without what it needs to check tokens refuses to start, saying what to set.</summary>
public sealed class JwtOperatorConfigurationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pulsepoint-jwt-config-").FullName;

    [Theory]
    [InlineData("", "Audience is required")]
    [InlineData("--PulsePoint:Http:Jwt:Audience=pulsepoint-silo", "Issuer is missing")]
    [InlineData("--PulsePoint:Http:Jwt:Audience=pulsepoint-silo --PulsePoint:Http:Jwt:Issuer=https://idp.example.test/", "SigningKeysPath is missing")]
    [InlineData("--PulsePoint:Http:Jwt:Audience=pulsepoint-silo --PulsePoint:Http:Jwt:Authority=http://idp.example.test/", "Authority must be https")]
    [InlineData("--PulsePoint:Http:Jwt:Audience=pulsepoint-silo --PulsePoint:Http:Jwt:Issuer=https://idp.example.test/ --PulsePoint:Http:Jwt:SigningKeysPath=/nonexistent/keys.pem", "'/nonexistent/keys.pem' does not exist")]
    public void Jwt_without_issuer_audience_or_keys_the_silo_refuses_to_start(string settings, string expected)
    {
        var error = Assert.Throws<ConfigurationErrorException>(() => Build(settings.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Jwt_a_key_file_with_a_private_key_or_no_key_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var privateKey = Path.Combine(_folder, "private.pem");
        File.WriteAllText(privateKey, key.ExportPkcs8PrivateKeyPem());
        Assert.Contains("holds a 'PRIVATE KEY' block", Assert.Throws<ConfigurationErrorException>(() => OperatorTokens.LoadSigningKeys(privateKey)).Message);

        var empty = Path.Combine(_folder, "empty.pem");
        File.WriteAllText(empty, "no keys here\n");
        Assert.Contains("holds no public key", Assert.Throws<ConfigurationErrorException>(() => OperatorTokens.LoadSigningKeys(empty)).Message);
    }

    [Fact]
    public void Jwt_with_an_issuer_an_audience_and_a_key_file_the_silo_is_composed()
    {
        using var key = RSA.Create(2048);
        var keys = Path.Combine(_folder, "keys.jwks.json");
        var jwk = Microsoft.IdentityModel.Tokens.JsonWebKeyConverter.ConvertFromRSASecurityKey(new Microsoft.IdentityModel.Tokens.RsaSecurityKey(key.ExportParameters(false)));
        File.WriteAllText(keys, $$"""{"keys":[{"kty":"RSA","use":"sig","kid":"k1","n":"{{jwk.N}}","e":"{{jwk.E}}"}]}""");
        Assert.Single(OperatorTokens.LoadSigningKeys(keys));
        Build(["--PulsePoint:Http:Jwt:Audience=pulsepoint-silo", "--PulsePoint:Http:Jwt:Issuer=https://idp.example.test/", $"--PulsePoint:Http:Jwt:SigningKeysPath={keys}"]);
    }

    private static void Build(string[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [.. HttpSiloFixture.Settings, "--PulsePoint:Http:OperatorAccess=Jwt", .. settings],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.AddPulsePointSilo();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
