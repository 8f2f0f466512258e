using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PulsePoint.Tenancy;

namespace PulsePoint.Client.AspNetCore;

/// <summary>ASP.NET Core pipeline extensions for backend services.</summary>
public static class PulsePointApplicationBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="TenantResolutionMiddleware"/>: place it after authentication (it reads the user's
    /// claims) and before anything that touches tenant data. Configure it with
    /// <c>services.Configure&lt;PulsePointTenancyOptions&gt;(...)</c>.
    /// </summary>
    public static IApplicationBuilder UsePulsePointTenancy(this IApplicationBuilder app) =>
        app.UseMiddleware<TenantResolutionMiddleware>();

    /// <summary>The request's tenant; throws when the tenancy middleware did not admit the request.</summary>
    /// <exception cref="InvalidOperationException">No tenant was resolved for this request.</exception>
    public static TenantId GetPulsePointTenant(this HttpContext context) =>
        context.Features.Get<TenantFeature>()?.Tenant
            ?? throw new InvalidOperationException("No tenant for this request: add app.UsePulsePointTenancy() before this endpoint.");
}
