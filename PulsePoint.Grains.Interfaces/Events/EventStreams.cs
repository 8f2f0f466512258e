namespace PulsePoint.Events;

/// <summary>
/// The in-cluster real-time bus: an Orleans stream provider with one stream per tenant (namespace
/// <see cref="Namespace"/>, key = tenant UUID). Committed events are published there by the outbox relay
/// when <c>PulsePoint:Destinations:Realtime</c> is <c>OrleansStream</c> (the default).
/// </summary>
public static class EventStreams
{
    /// <summary>The stream provider's name (memory streams by default).</summary>
    public const string ProviderName = "PulsePointEvents";

    /// <summary>The stream namespace of tenant event streams.</summary>
    public const string Namespace = "tenant-events";
}
