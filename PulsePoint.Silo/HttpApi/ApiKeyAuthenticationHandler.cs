using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PulsePoint.ApiKeys;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.HttpApi;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>. The key's grant comes from its grain (memory; no database round trip once
/// active), and a tenant's key also needs its tenant active (the tenant grain, memory). An unknown, malformed, revoked or
/// expired key and a deactivated tenant's key all get the same 401, so an answer tells nothing about which it was.
/// Failures count against the client address (<see cref="AuthenticationFailureLimiter"/>). Logs name the key id at most:
/// never the key, its secret or a tenant id.
/// </summary>
public sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IGrainFactory grains,
    AuthenticationFailureLimiter failures) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string ThrottledItem = "pulsepoint:auth-throttled";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var address = Context.Connection.RemoteIpAddress ?? IPAddress.None;
        if (failures.IsBlocked(address, out var retryAfter))
        {
            Context.Items[ThrottledItem] = retryAfter;
            return AuthenticateResult.Fail("too many failed authentications from this address");
        }

        var token = header["Bearer ".Length..].Trim();
        var grant = ApiKeySecret.TryParse(token, out var id, out var secret)
            ? await grains.GetGrain<IApiKeyGrain>(id.ToString()).VerifyAsync(secret)
            : null;
        if (grant?.Tenant is { } tenant && !await IsActiveAsync(tenant))
        {
            grant = null;
        }

        if (grant is null)
        {
            failures.Failed(address);
            LogRefused(Logger, id == default ? "(malformed)" : id.ToString());
            return AuthenticateResult.Fail("invalid API key");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(ApiKeyClaims.Principal(grant), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[ThrottledItem] is TimeSpan retryAfter)
        {
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await Problems.Write(Context, StatusCodes.Status429TooManyRequests, "Too many failed authentications",
                "This address has failed authentication too often; wait before trying again.");
            return;
        }

        var presented = Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        Response.Headers.WWWAuthenticate = presented ? "Bearer error=\"invalid_token\"" : "Bearer";
        await Problems.Write(Context, StatusCodes.Status401Unauthorized, "API key required",
            presented ? "The API key is not valid." : "Send an API key as 'Authorization: Bearer pp_live_…'.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Write(Context, StatusCodes.Status403Forbidden, "Not allowed for this key",
            "The API key is valid but lacks the scope this endpoint needs.");

    private async Task<bool> IsActiveAsync(TenantId tenant)
    {
        // The tenant grain admits only calls from its own tenant; set here, the tenant stays inside this method.
        CallerTenant.Set(tenant);
        return await grains.GetGrain<ITenantGrain>(tenant.Value).GetStatusAsync() == TenantStatus.Active;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API key refused: {KeyId}")]
    private static partial void LogRefused(ILogger logger, string keyId);
}
