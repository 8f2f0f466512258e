using System.Net;
using Microsoft.Extensions.Options;
using PulsePoint.ApiKeys;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.HttpApi;

/// <summary>
/// The access rule of the operator pages and admin endpoints (<see cref="OperatorAccess"/>): loopback clients only by
/// default, or API keys (and operator tokens) when configured. Health endpoints stay open to everyone (orchestrators probe them).
/// </summary>
public static class OperatorPages
{
    /// <summary>The paths the rule guards.</summary>
    public static readonly IReadOnlyList<PathString> Paths = ["/dashboard", "/insights", "/metrics", "/v1/admin"];

    /// <summary>The policy of <c>/dashboard</c> and <c>/metrics</c> with <see cref="OperatorAccess.ApiKey"/> or <see cref="OperatorAccess.Jwt"/>: an operator's key or token.</summary>
    public const string OperatorPolicy = "pulsepoint:operator";

    /// <summary>The policy of <c>/insights</c> with <see cref="OperatorAccess.ApiKey"/> or <see cref="OperatorAccess.Jwt"/>: an operator's key or token, or a tenant's key with <c>read</c> or token.</summary>
    public const string InsightsPolicy = "pulsepoint:insights";

    /// <summary>
    /// With <see cref="OperatorAccess.Loopback"/>, answers 403 to a request for a guarded path from any address that is
    /// neither loopback nor in <see cref="HttpApiOptions.OperatorNetworks"/>.
    /// </summary>
    public static IApplicationBuilder UseOperatorPagesOnLoopback(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            var options = http.RequestServices.GetRequiredService<IOptions<HttpApiOptions>>().Value;
            if (options.OperatorAccess == OperatorAccess.Loopback && IsGuarded(http.Request.Path) && !IsLocal(http.Connection.RemoteIpAddress, options))
            {
                await Problems.Write(http, StatusCodes.Status403Forbidden, "Operator pages are served to loopback clients",
                    "Open them on the silo's machine (e.g. through an SSH tunnel), or set PulsePoint:Http:OperatorAccess to ApiKey or Jwt and send an operator's key or token.");
                return;
            }

            await next(http);
        });

    /// <summary>True for a path the rule guards.</summary>
    public static bool IsGuarded(PathString path) => Paths.Any(path.StartsWithSegments);

    /// <summary>True for a loopback address or one of <see cref="HttpApiOptions.OperatorNetworks"/>.</summary>
    public static bool IsLocal(IPAddress? address, HttpApiOptions options)
    {
        if (IsLoopback(address))
        {
            return true;
        }

        var plain = address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
        return plain is not null && options.ParsedOperatorNetworks().Any(n => n.Contains(plain));
    }

    /// <summary>True for 127.0.0.0/8 and ::1, also written as IPv4 mapped to IPv6.</summary>
    public static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>
    /// Whether the request may see <paramref name="tenant"/>'s insights: anyone the access rule let in, except a tenant's
    /// key or token, which sees its own tenant only.
    /// </summary>
    public static bool MaySee(HttpContext http, TenantId tenant) =>
        ApiKeyClaims.TenantOf(http.User) is not { } own || (own == tenant && ApiKeyClaims.HasScope(http.User, ApiKeyScopes.Read));
}
