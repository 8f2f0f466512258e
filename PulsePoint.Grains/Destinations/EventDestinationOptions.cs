namespace PulsePoint.Destinations;

/// <summary>Which destinations receive committed events (section <c>PulsePoint:Destinations</c>).</summary>
public sealed class EventDestinationOptions
{
    public const string Section = "PulsePoint:Destinations";

    /// <summary>Real-time bus: <c>OrleansStream</c> (default, in-cluster) or <c>None</c>.</summary>
    public string Realtime { get; set; } = "OrleansStream";

    /// <summary>Analytics warehouse: <c>None</c> (default until the DuckDB adapter is merged).</summary>
    public string Warehouse { get; set; } = "None";
}
