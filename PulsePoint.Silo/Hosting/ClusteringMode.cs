namespace PulsePoint.Silo.Hosting;

/// <summary>How silos find each other.</summary>
public enum ClusteringMode
{
    /// <summary>A single-machine cluster on loopback ports; no membership table.</summary>
    Localhost,

    /// <summary>Membership in PostgreSQL through the Orleans ADO.NET provider.</summary>
    AdoNet,
}
