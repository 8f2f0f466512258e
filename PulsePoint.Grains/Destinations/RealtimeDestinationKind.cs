namespace PulsePoint.Destinations;

/// <summary>Which real-time bus receives committed events (<c>PulsePoint:Destinations:Realtime</c>).</summary>
public enum RealtimeDestinationKind
{
    /// <summary>An Orleans stream inside the cluster: the default, needs no cloud.</summary>
    OrleansStream = 0,

    /// <summary>Google Cloud Pub/Sub over REST (or its emulator).</summary>
    PubSub = 1,

    /// <summary>No real-time bus: events go to PostgreSQL and the warehouse only.</summary>
    None = 2,
}
