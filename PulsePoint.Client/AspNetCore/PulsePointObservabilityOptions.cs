namespace PulsePoint.Client.AspNetCore;

/// <summary>How <see cref="ObservabilityMiddleware"/> records requests (configure with <c>services.Configure&lt;PulsePointObservabilityOptions&gt;(...)</c>).</summary>
public sealed class PulsePointObservabilityOptions
{
    /// <summary>Measure each request's CPU time (Linux only; see <c>CpuTimeMs</c> in docs/client.md). Default true.</summary>
    public bool MeasureCpuTime { get; set; } = true;

    /// <summary>
    /// The claim recorded as the event's user id (default: <c>ClaimTypes.NameIdentifier</c>, then <c>sub</c>,
    /// then the identity's name). Events keep at most 128 characters of it.
    /// </summary>
    public string? UserIdClaimType { get; set; }

    /// <summary>Request paths not recorded (e.g. health probes); matched as prefixes.</summary>
    public IList<string> IgnoredPaths { get; } = ["/healthz", "/readyz"];

    /// <summary>
    /// Most request events waiting to be sent (they are sent in the background, after the response); beyond it
    /// new ones are dropped and logged rather than letting a cluster outage grow the service's memory.
    /// </summary>
    public int MaxQueuedEvents { get; set; } = 10_000;
}
