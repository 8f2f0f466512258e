using Microsoft.Extensions.Logging;

namespace PulsePoint.Events;

/// <summary>
/// When the silo becomes active, runs the retention job once (so today's and the coming days' partitions
/// exist before traffic) and starts its timer. A failure is logged, not fatal: the sink also creates a
/// missing partition on demand.
/// </summary>
internal sealed partial class EventRetentionStartup(IGrainFactory grains, ILogger<EventRetentionStartup> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(EventRetentionStartup), ServiceLifecycleStage.Active, StartAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await grains.GetGrain<IEventRetentionGrain>(0).RunAsync().WaitAsync(cancellationToken);
        }
        catch (Exception e)
        {
            LogStartFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not run the event retention job at start-up; partitions are created on demand")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);
}
