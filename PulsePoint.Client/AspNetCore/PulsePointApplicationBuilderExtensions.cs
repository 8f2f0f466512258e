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

    /// <summary>
    /// Adds <see cref="ObservabilityMiddleware"/>: one <c>api.lifecycle</c> event per request of an admitted tenant,
    /// unhandled exceptions as <c>system.error</c> events and 500 problem details. Place it <b>before</b>
    /// <c>UseAuthentication()</c> and <see cref="UsePulsePointTenancy"/>: it then times the whole request and turns
    /// an exception anywhere after it (the tenant check included) into a 500 problem, and it reads the tenant
    /// that the tenancy middleware admitted once the request is done. Requests without an admitted tenant
    /// (401/400/403 from the tenancy middleware, anonymous paths) are not recorded: they belong to no tenant.
    /// Needs <c>AddPulsePointClient()</c> (or <c>AddPulsePointEventTracking()</c>); configure it with
    /// <c>services.Configure&lt;PulsePointObservabilityOptions&gt;(...)</c>.
    /// </summary>
    public static IApplicationBuilder UsePulsePointObservability(this IApplicationBuilder app) =>
        app.UseMiddleware<ObservabilityMiddleware>();

    /// <summary>The request's tenant; throws when the tenancy middleware did not admit the request.</summary>
    /// <exception cref="InvalidOperationException">No tenant was resolved for this request.</exception>
    public static TenantId GetPulsePointTenant(this HttpContext context) =>
        context.Features.Get<TenantFeature>()?.Tenant
            ?? throw new InvalidOperationException("No tenant for this request: add app.UsePulsePointTenancy() before this endpoint.");
}
