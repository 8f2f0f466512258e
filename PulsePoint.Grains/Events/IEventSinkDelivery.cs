using PulsePoint.Operators;

namespace PulsePoint.Events;

/// <summary>
/// The silo's nudge to an event sink shard (key: shard number; the same grain as <see cref="IEventSinkGrain"/>). An
/// operator interface: the retention job and the billing event publisher call it; backend services only append.
/// </summary>
[Alias("PulsePoint.IEventSinkDelivery")]
internal interface IEventSinkDelivery : IOperatorGrain, IGrainWithIntegerKey
{
    /// <summary>
    /// Activates the shard if needed and lets its outbox relay resume delivering committed events, including
    /// any another writer of the shard committed (read back from PostgreSQL).
    /// </summary>
    [Alias("ResumeDelivery")]
    Task ResumeDeliveryAsync();
}
