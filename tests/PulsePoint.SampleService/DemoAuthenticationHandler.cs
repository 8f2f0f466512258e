using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace PulsePoint.SampleService;

/// <summary>
/// DEMO ONLY: trusts <c>Authorization: Demo tenant=&lt;id&gt;;user=&lt;name&gt;</c> as the signed-in user.
/// A real service uses its identity provider (JWT bearer, cookies); PulsePoint only reads the
/// resulting <c>tenant_id</c> claim.
/// </summary>
public sealed class DemoAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Demo";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(SchemeName + " ", StringComparison.Ordinal))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var fields = header[(SchemeName.Length + 1)..].Split(';', StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1]);
        var claims = new List<Claim> { new(ClaimTypes.Name, fields.GetValueOrDefault("user", "demo-user")) };
        if (fields.TryGetValue("tenant", out var tenant))
        {
            claims.Add(new Claim("tenant_id", tenant));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
