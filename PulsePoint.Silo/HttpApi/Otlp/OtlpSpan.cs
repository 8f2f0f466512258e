using PulsePoint.Events;

namespace PulsePoint.Silo.HttpApi.Otlp;

/// <summary>What became of one span of an export: an event to store, a rejection (why), or nothing (a kind PulsePoint does not map).</summary>
/// <param name="SpanId">The span id in hex, for error messages.</param>
/// <param name="Event">The event it maps to, or null.</param>
/// <param name="Rejection">Why it was refused, or null.</param>
public sealed record OtlpSpan(string SpanId, StructuredEvent? Event, string? Rejection)
{
    /// <summary>Neither stored nor refused: not a GenAI inference span nor an HTTP server span.</summary>
    public bool Ignored => Event is null && Rejection is null;
}
