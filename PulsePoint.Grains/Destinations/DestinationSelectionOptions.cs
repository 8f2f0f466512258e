namespace PulsePoint.Destinations;

/// <summary>
/// Which adapters receive committed events (section <c>PulsePoint:Destinations</c>); each adapter's own
/// settings live in the sub-sections <c>PubSub</c>, <c>BigQuery</c> and <c>DuckDb</c>.
/// </summary>
public sealed class DestinationSelectionOptions
{
    public const string Section = "PulsePoint:Destinations";

    /// <summary>The real-time bus; <see cref="RealtimeDestinationKind.OrleansStream"/> by default.</summary>
    public RealtimeDestinationKind Realtime { get; set; } = RealtimeDestinationKind.OrleansStream;

    /// <summary>The analytics warehouse; <see cref="WarehouseDestinationKind.DuckDb"/> by default.</summary>
    public WarehouseDestinationKind Warehouse { get; set; } = WarehouseDestinationKind.DuckDb;
}
