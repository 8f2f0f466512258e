using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PulsePoint.Tenancy;

namespace PulsePoint.Client.AspNetCore;

/// <summary>
/// Resolves the request's tenant (claim, or a trusted header), validates it as a UUID, checks it
/// through the tenant grain, and runs the rest of the pipeline inside a <see cref="TenantScope"/>.
/// Answers RFC 7807 problem details: 401 with no tenant, 400 for a malformed id, 403 for an unknown
/// or inactive tenant — the same 403 for both, so the answer does not reveal which ids exist.
/// </summary>
public sealed class TenantResolutionMiddleware(RequestDelegate next, IGrainFactory grains, IOptions<PulsePointTenancyOptions> options)
{
    /// <summary>Handles one request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var settings = options.Value;
        if (settings.AnonymousPaths.Any(p => context.Request.Path.StartsWithSegments(p)))
        {
            await next(context);
            return;
        }

        var text = context.User.FindFirst(settings.TenantClaimType)?.Value;
        if (text is null && settings.TrustedHeader is { } header && context.Request.Headers.TryGetValue(header, out var values))
        {
            text = values.Count == 1 ? values[0] : null;
        }

        if (text is null)
        {
            await Problem(context, StatusCodes.Status401Unauthorized, "Tenant required", "The request carries no tenant.");
            return;
        }

        if (!TenantId.TryParse(text, out var tenant))
        {
            await Problem(context, StatusCodes.Status400BadRequest, "Malformed tenant id", "The tenant id must be a UUID such as 3f2504e0-4f89-41d3-9a0c-0305e82c3301.");
            return;
        }

        if (await grains.GetTenantStatusAsync(tenant) != TenantStatus.Active)
        {
            await Problem(context, StatusCodes.Status403Forbidden, "Tenant not allowed", "The tenant does not exist or is not active.");
            return;
        }

        context.Features.Set(new TenantFeature(tenant));
        using (TenantScope.Begin(tenant))
        {
            await next(context);
        }
    }

    private static Task Problem(HttpContext context, int status, string title, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: title, instance: context.Request.Path).ExecuteAsync(context);
}
