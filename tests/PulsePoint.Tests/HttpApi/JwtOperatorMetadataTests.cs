using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PulsePoint.Silo.HttpApi;

namespace PulsePoint.Tests.HttpApi;

/// <summary>
/// With <c>PulsePoint:Http:Jwt:Authority</c>, the issuer and signing keys come from the identity provider's OpenID Connect
/// metadata. A provider of the test's own serves the metadata and its JWKS on a loopback port; the silo's HTTP API
/// composition (<c>AddPulsePointHttpApi</c>, its authentication and policies) checks tokens against it.
/// </summary>
public sealed class JwtOperatorMetadataTests : IAsyncLifetime
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private WebApplication? _provider;
    private WebApplication? _silo;
    private string _issuer = "";

    public async Task InitializeAsync()
    {
        _provider = Host(WebApplication.CreateSlimBuilder());
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(_key) { KeyId = "k1" });
        _provider.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, string>
        {
            ["issuer"] = _issuer,
            ["jwks_uri"] = _issuer + "jwks",
        }));
        _provider.MapGet("/jwks", () => Results.Text(
            $$"""{"keys":[{"kty":"EC","use":"sig","kid":"{{jwk.KeyId}}","crv":"{{jwk.Crv}}","x":"{{jwk.X}}","y":"{{jwk.Y}}"}]}""", "application/json"));
        _issuer = await StartAsync(_provider) + "/";

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args =
            [
                "--PulsePoint:Http:OperatorAccess=Jwt",
                $"--PulsePoint:Http:Jwt:Authority={_issuer}",
                "--PulsePoint:Http:Jwt:RequireHttpsMetadata=false",
                "--PulsePoint:Http:Jwt:Audience=pulsepoint-silo",
            ],
        });
        builder.Services.AddPulsePointHttpApi(builder.Configuration);
        _silo = Host(builder);
        _silo.UseAuthentication();
        _silo.UseAuthorization();
        _silo.MapGet("/operator-only", () => "ok").RequireAuthorization(OperatorPages.OperatorPolicy);
        await StartAsync(_silo);
    }

    [Fact]
    public async Task Jwt_with_an_authority_the_issuer_and_keys_come_from_the_providers_metadata()
    {
        Assert.Equal(HttpStatusCode.OK, await GetAsync(Token(_issuer, _key, "k1")));
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(Token(_issuer, stranger, "k1")));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(Token("https://another-provider.example/", _key, "k1")));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(null));
    }

    private async Task<HttpStatusCode> GetAsync(string? token)
    {
        using var client = new HttpClient { BaseAddress = new Uri(_silo!.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return (await client.GetAsync("/operator-only")).StatusCode;
    }

    private static string Token(string issuer, ECDsa key, string keyId) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = "pulsepoint-silo",
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["roles"] = "pulsepoint.operator", ["sub"] = "someone" },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = keyId }, SecurityAlgorithms.EcdsaSha256),
        });

    private static WebApplication Host(WebApplicationBuilder builder)
    {
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        return builder.Build();
    }

    private static async Task<string> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        foreach (var app in new[] { _silo, _provider })
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }

        _key.Dispose();
    }
}
