using Microsoft.AspNetCore.Authentication;
using PulsePoint.Client;
using PulsePoint.Client.AspNetCore;
using PulsePoint.Tenancy;

namespace PulsePoint.SampleService;

/// <summary>
/// A small backend service of the kind PulsePoint serves: tenant-aware endpoints behind the
/// PulsePoint middleware. Tests build it against their own cluster client.
/// </summary>
public static class SampleServiceApp
{
    /// <summary>An endpoint that always fails, to show what an unhandled exception becomes.</summary>
    public const string FailingRoute = "/api/reports/{reportId}/fail";

    /// <summary>What the failing endpoint's exception says; it must never reach the caller.</summary>
    public const string SecretFailureText = "connection string Password=hunter2 rejected";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddAuthentication(DemoAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, DemoAuthenticationHandler>(DemoAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddProblemDetails();
        if (configure is null)
        {
            builder.AddPulsePointClient();
        }
        else
        {
            configure(builder);
        }

        var app = builder.Build();
        app.UsePulsePointObservability();   // first: times everything after it and turns exceptions into 500 problems
        app.UseAuthentication();
        app.UsePulsePointTenancy();         // then the tenant: the observability middleware records for it
        app.UseAuthorization();
        app.MapGet("/healthz", () => Results.Text("alive\n"));
        app.MapGet("/api/tenant", async (HttpContext context, IGrainFactory grains) =>
        {
            var tenant = context.GetPulsePointTenant();
            var snapshot = await grains.GetGrain<ITenantGrain>(tenant.Value).GetSnapshotAsync();
            return Results.Ok(new { tenant = tenant.ToString(), snapshot.Name, status = snapshot.Status.ToString() });
        });
        app.MapGet(FailingRoute, string (string reportId) => throw new InvalidOperationException(SecretFailureText));
        app.MapBrandAnswers();
        return app;
    }
}
