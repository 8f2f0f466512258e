using System.ComponentModel.DataAnnotations;

namespace PulsePoint.Silo.Telemetry;

/// <summary>Where the silo sends its own telemetry (section <c>PulsePoint:Telemetry</c>); <c>/metrics</c> is always served.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "PulsePoint:Telemetry";

    /// <summary>
    /// An OTLP/gRPC collector (e.g. <c>http://otel-collector:4317</c>) to send metrics and spans to. Null: no OTLP export,
    /// unless the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable is set, whose exporter settings then apply.
    /// </summary>
    [Url(ErrorMessage = "PulsePoint:Telemetry:OtlpEndpoint must be an http(s) URL such as http://otel-collector:4317")]
    public string? OtlpEndpoint { get; set; }

    /// <summary>The <c>service.name</c> of the silo's telemetry; the standard <c>OTEL_SERVICE_NAME</c> wins when set.</summary>
    [Required]
    public string ServiceName { get; set; } = "pulsepoint";
}
