using PulsePoint.Operators;

namespace PulsePoint.Events;

/// <summary>
/// The cluster's single retention job for the compliance store (key 0): creates upcoming daily partitions,
/// drops expired ones, and wakes every event sink shard so owed deliveries resume after a restart. An operator
/// interface: the silo starts it; no backend service can.
/// </summary>
[Alias("PulsePoint.IEventRetentionGrain")]
public interface IEventRetentionGrain : IOperatorGrain, IGrainWithIntegerKey
{
    /// <summary>Starts the periodic job if it is not running and runs it once now; returns partitions created and dropped.</summary>
    [Alias("Run")]
    Task<(int Created, int Dropped)> RunAsync();
}
