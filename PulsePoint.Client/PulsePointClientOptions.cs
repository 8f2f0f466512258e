namespace PulsePoint.Client;

/// <summary>How a backend service connects to the PulsePoint cluster (section <c>PulsePoint:Client</c>).</summary>
public sealed class PulsePointClientOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "PulsePoint:Client";

    /// <summary><c>Localhost</c> (a silo on this machine) or <c>AdoNet</c> (gateways listed in PostgreSQL's membership table).</summary>
    public string Clustering { get; set; } = "Localhost";

    /// <summary>Gateway port of the local silo (Localhost clustering).</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Connection string of a role that can read the membership table (AdoNet clustering).</summary>
    public string? MembershipConnectionString { get; set; }

    /// <summary>The cluster to join; must match the silos' <c>PulsePoint:Silo:ClusterId</c>.</summary>
    public string ClusterId { get; set; } = "pulsepoint-local";

    /// <summary>The service to join; must match the silos' <c>PulsePoint:Silo:ServiceId</c>.</summary>
    public string ServiceId { get; set; } = "pulsepoint";

    /// <summary>Subscribe to the in-cluster real-time event streams (adds the memory stream provider to the client).</summary>
    public bool EventStreams { get; set; } = true;
}
