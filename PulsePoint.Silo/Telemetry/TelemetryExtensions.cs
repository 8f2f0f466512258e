using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PulsePoint.Events;
using PulsePoint.Silo.Hosting;
using PulsePoint.Silo.HttpApi;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Telemetry;

/// <summary>
/// The silo's telemetry out, with OpenTelemetry .NET: PulsePoint's meter and Orleans' on a Prometheus scrape endpoint
/// (<c>/metrics</c>, under the operator pages' access rule), and metrics and spans (PulsePoint's, Orleans' grain calls,
/// ASP.NET Core's requests) to an OTLP collector when one is configured.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>The Prometheus scrape path.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The meters exported: PulsePoint's own and Orleans'.</summary>
    public static readonly string[] Meters = [TenantMetrics.MeterName, "Microsoft.Orleans"];

    /// <summary>The activity sources exported: PulsePoint's own (event flushes) and Orleans' grain calls.</summary>
    public static readonly string[] ActivitySources = [EventTracing.SourceName, "Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime"];

    public static WebApplicationBuilder AddPulsePointTelemetry(this WebApplicationBuilder builder)
    {
        var options = ValidatedOptions.Bind<TelemetryOptions>(builder.Configuration, TelemetryOptions.Section);
        var standardOtlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otlp = options.OtlpEndpoint is not null || standardOtlp;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? options.ServiceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters).AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter(o => Configure(o, options));
                }
            });
        // Spans only when they go somewhere: every grain call makes one once anything listens to Orleans' sources.
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(ActivitySources)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbe(http.Request.Path))
                .AddOtlpExporter(o => Configure(o, options)));
        }

        return builder;
    }

    /// <summary>Maps <c>/metrics</c>; with <see cref="OperatorAccess.ApiKey"/> or <see cref="OperatorAccess.Jwt"/> it asks for an operator's key or token, like <c>/dashboard</c>.</summary>
    public static IEndpointConventionBuilder MapPulsePointMetrics(this WebApplication app, OperatorAccess access)
    {
        var metrics = app.MapPrometheusScrapingEndpoint(MetricsPath);
        return access != OperatorAccess.Loopback ? metrics.RequireAuthorization(OperatorPages.OperatorPolicy) : metrics;
    }

    // Our own setting names the collector (OTLP/gRPC); without it the exporter reads the standard OTEL_EXPORTER_OTLP_* variables.
    private static void Configure(OtlpExporterOptions exporter, TelemetryOptions options)
    {
        if (options.OtlpEndpoint is { } endpoint)
        {
            exporter.Endpoint = new Uri(endpoint);
            exporter.Protocol = OtlpExportProtocol.Grpc;
        }
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments(MetricsPath);
}
