using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using PulsePoint.Silo.Demo;
using PulsePoint.Silo.HttpApi;
using PulsePoint.Silo.Insights;
using PulsePoint.Silo.Telemetry;
using PulsePoint.Storage;

namespace PulsePoint.Silo.Hosting;

/// <summary>The silo host's composition: Orleans, PostgreSQL providers, dashboard, health endpoints, metrics and traces, the HTTP API.</summary>
public static class SiloHostExtensions
{
    private const string AdoNetInvariant = "Npgsql";

    public static WebApplicationBuilder AddPulsePointSilo(this WebApplicationBuilder builder)
    {
        var silo = ValidatedOptions.Bind<SiloOptions>(builder.Configuration, SiloOptions.Section);
        var database = ValidatedOptions.Bind<DatabaseOptions>(builder.Configuration, DatabaseOptions.Section);
        var orleansDatabase = RequireSiloSecrets(database);
        builder.WebHost.UseUrls(silo.WebUrl);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(silo));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = silo.ShutdownTimeout);

        // Registered before UseOrleans so it runs, and can refuse, before the silo starts.
        builder.Services.AddHostedService<StartupSafetyCheck>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        builder.Services.AddPulsePointInsights();
        builder.Services.AddPulsePointHttpApi(builder.Configuration);
        builder.AddPulsePointTelemetry();

        builder.UseOrleans(orleans =>
        {
            if (silo.Clustering == ClusteringMode.AdoNet)
            {
                orleans.UseAdoNetClustering(o => { o.Invariant = AdoNetInvariant; o.ConnectionString = orleansDatabase; });
                orleans.ConfigureEndpoints(ParseAddress(silo.AdvertisedAddress), silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: false);
                orleans.Configure<ClusterOptions>(o => { o.ClusterId = silo.ClusterId; o.ServiceId = silo.ServiceId; });
            }
            else
            {
                orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: silo.ServiceId, clusterId: silo.ClusterId);
            }

            orleans.AddAdoNetGrainStorageAsDefault(o => { o.Invariant = AdoNetInvariant; o.ConnectionString = orleansDatabase; });
            orleans.AddDashboard();
            orleans.AddPulsePointGrains(builder.Configuration);
        });

        // After UseOrleans: hosted services stop in reverse order, so the demo traffic ends (its call in
        // flight completes) before the silo stops taking calls. It waits for ApplicationStarted to begin.
        builder.Services.AddPulsePointDemo(builder.Configuration);
        return builder;
    }

    public static WebApplication MapPulsePointEndpoints(this WebApplication app)
    {
        app.MapGet("/", () => Results.Redirect("/dashboard"));
        app.MapGet("/healthz", () => Results.Text("alive\n"));
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = WriteReadiness,
        });
        var dashboard = app.MapOrleansDashboard("/dashboard");
        var insights = app.MapPulsePointInsights();
        app.MapPulsePointHttpApi();
        var access = app.Services.GetRequiredService<IOptions<HttpApiOptions>>().Value.OperatorAccess;
        app.MapPulsePointMetrics(access);
        if (access != OperatorAccess.Loopback)
        {
            dashboard.RequireAuthorization(OperatorPages.OperatorPolicy);
            insights.RequireAuthorization(OperatorPages.InsightsPolicy);
        }

        return app;
    }

    /// <summary>
    /// A silo needs the Orleans role's connection string (Orleans' tables are not the application role's) and the tenant
    /// context key (without it no tenant query can run); there are no defaults for either. Returns the Orleans
    /// connection string with the search path pinned.
    /// </summary>
    private static string RequireSiloSecrets(DatabaseOptions database)
    {
        if (string.IsNullOrWhiteSpace(database.Orleans))
        {
            throw new ConfigurationErrorException(
                "PulsePoint:Database:Orleans (the Orleans role's connection string: membership, grain state, reminders) is required");
        }

        if (string.IsNullOrWhiteSpace(database.TenantContextKey))
        {
            throw new ConfigurationErrorException(
                "PulsePoint:Database:TenantContextKey is required: 32 random bytes in base64 (`openssl rand -base64 32`), the same on every " +
                "silo and registered by `PulsePoint.Silo migrate`; for local development `deploy/postgres.sh env` prints one");
        }

        return DataSources.PinSearchPath(database.Orleans);
    }

    private static IPAddress ParseAddress(string text) =>
        IPAddress.TryParse(text, out var address)
            ? address
            : throw new ConfigurationErrorException($"PulsePoint:Silo:AdvertisedAddress '{text}' is not an IP address");

    private static Task WriteReadiness(HttpContext context, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, new JsonSerializerOptions { WriteIndented = true }));
    }
}
