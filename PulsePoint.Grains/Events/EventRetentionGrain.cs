using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PulsePoint.Events;

/// <summary>
/// Retention on a grain timer (not a reminder: it needs no reminder table and the silo starts it on every
/// start-up, see <see cref="EventRetentionStartup"/>). KeepAlive keeps the single activation for as long
/// as its silo runs; if that silo dies, the next silo start or any <see cref="IEventRetentionGrain.RunAsync"/> call restarts it.
/// </summary>
internal sealed partial class EventRetentionGrain(
    EventStore store,
    IOptions<EventOptions> options,
    ILogger<EventRetentionGrain> logger) : Grain, IEventRetentionGrain
{
    private IGrainTimer? _timer;

    async Task<(int Created, int Dropped)> IEventRetentionGrain.RunAsync()
    {
        _timer ??= this.RegisterGrainTimer(
            RunOnTimerAsync,
            new GrainTimerCreationOptions(options.Value.RetentionPeriod, options.Value.RetentionPeriod) { KeepAlive = true, Interleave = false });
        return await MaintainAsync(CancellationToken.None);
    }

    private async Task RunOnTimerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await MaintainAsync(cancellationToken);
            for (var shard = 0; shard < options.Value.Shards; shard++)
            {
                await GrainFactory.GetGrain<IEventSinkDelivery>(shard).ResumeDeliveryAsync();
            }
        }
        catch (Exception e)
        {
            LogRetentionFailed(logger, e);
        }
    }

    private async Task<(int Created, int Dropped)> MaintainAsync(CancellationToken cancellationToken)
    {
        var result = await store.MaintainPartitionsAsync(options.Value.RetentionDays, options.Value.PartitionsAhead, cancellationToken);
        LogMaintained(logger, result.Created, result.Dropped, options.Value.RetentionDays);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event partitions: {Created} created, {Dropped} dropped (retention {RetentionDays} days)")]
    private static partial void LogMaintained(ILogger logger, int created, int dropped, int retentionDays);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event retention run failed; the next period retries")]
    private static partial void LogRetentionFailed(ILogger logger, Exception exception);
}
