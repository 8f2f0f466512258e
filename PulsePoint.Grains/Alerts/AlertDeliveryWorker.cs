using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PulsePoint.Alerts;

/// <summary>
/// One per silo, off every grain's path: claims due deliveries from the outbox (<see cref="AlertDeliveryQueue"/>), makes
/// each attempt (<see cref="AlertSender"/>) and records its outcome. Attempts run concurrently (at most
/// <see cref="AlertOptions.MaxConcurrentSends"/>), one channel's in order and at most one at a time, so a dead or slow
/// channel holds one slot and never delays another channel, another tenant, or the event pipeline. When one of a
/// channel's deliveries fails, the channel's other claimed ones are put back unattempted with the same wait.
/// </summary>
public sealed partial class AlertDeliveryWorker(
    AlertDeliveryQueue queue,
    AlertSender sender,
    AlertDeliverySignal signal,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<AlertDeliveryWorker> logger) : BackgroundService
{
    private readonly Dictionary<Guid, int> _busy = [];
    private readonly List<Task> _running = [];
    private int _inFlight;

    private AlertOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Options.DeliveryEnabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var claimedAll = false;
            try
            {
                int free;
                Guid[] busy;
                lock (_busy)
                {
                    free = Options.MaxConcurrentSends - _inFlight;
                    busy = _busy.Keys.ToArray();
                }

                if (free > 0)
                {
                    var claims = await queue.ClaimAsync(free, busy, time.GetUtcNow(), Options.Lease, stoppingToken);
                    claimedAll = claims.Count == free;
                    foreach (var channel in claims.GroupBy(c => c.Delivery.Channel.Id))
                    {
                        Start(channel.Key, channel.ToArray(), stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogClaimFailed(logger, e);
            }

            if (!claimedAll)
            {
                try
                {
                    await signal.WaitAsync(Options.PollPeriod, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        Task[] running;
        lock (_busy)
        {
            running = _running.ToArray();
        }

        await Task.WhenAll(running);
    }

    private void Start(Guid channel, AlertDeliveryQueue.Claim[] claims, CancellationToken stoppingToken)
    {
        lock (_busy)
        {
            _busy[channel] = claims.Length;
            _inFlight += claims.Length;
        }

        var task = Task.Run(() => RunChannelAsync(claims, stoppingToken), CancellationToken.None);
        lock (_busy)
        {
            _running.Add(task);
        }

        _ = task.ContinueWith(t =>
        {
            lock (_busy)
            {
                _busy.Remove(channel);
                _inFlight -= claims.Length;
                _running.Remove(t);
            }

            signal.Wake();
        }, TaskScheduler.Default);
    }

    /// <summary>One channel's claimed deliveries, in order; after a failure the rest go back unattempted.</summary>
    private async Task RunChannelAsync(AlertDeliveryQueue.Claim[] claims, CancellationToken stoppingToken)
    {
        DateTimeOffset? channelDownUntil = null;
        foreach (var claim in claims)
        {
            var delivery = claim.Delivery;
            try
            {
                if (claim.ChannelRemoved)
                {
                    await queue.CancelAsync(delivery, stoppingToken);
                    continue;
                }

                if (channelDownUntil is not null || stoppingToken.IsCancellationRequested)
                {
                    await queue.ReleaseAsync(delivery, channelDownUntil ?? time.GetUtcNow(), CancellationToken.None);
                    continue;
                }

                try
                {
                    if (claim.Problem is { } problem)
                    {
                        throw new AlertSendException(problem);
                    }

                    await sender.SendAsync(delivery, stoppingToken);
                    await queue.DeliveredAsync(delivery, time.GetUtcNow(), CancellationToken.None);
                    LogDelivered(logger, delivery.Tenant.Value, delivery.Alert.Kind, delivery.Channel.Id, delivery.DeliveryId, delivery.Attempt);
                }
                catch (AlertSendException e)
                {
                    var giveUp = delivery.Attempt >= Options.MaxAttempts;
                    var next = time.GetUtcNow() + AlertBackoff.After(delivery.Attempt, delivery.DeliveryId, Options, e.RetryAfter);
                    await queue.FailedAsync(delivery, next, e.Message, giveUp, CancellationToken.None);
                    channelDownUntil = next;
                    if (giveUp)
                    {
                        LogGaveUp(logger, delivery.Tenant.Value, delivery.Alert.Kind, delivery.Channel.Id, delivery.DeliveryId, delivery.Attempt, e.Message);
                    }
                    else
                    {
                        LogAttemptFailed(logger, delivery.Tenant.Value, delivery.Alert.Kind, delivery.Channel.Id, delivery.DeliveryId, delivery.Attempt, e.Message, next);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                await ReleaseQuietlyAsync(delivery);
            }
            catch (Exception e)
            {
                // Recording the outcome failed (PostgreSQL): the lease ends and the delivery is claimed again.
                LogRecordFailed(logger, e, delivery.Tenant.Value, delivery.DeliveryId);
            }
        }
    }

    private async Task ReleaseQuietlyAsync(AlertDelivery delivery)
    {
        try
        {
            await queue.ReleaseAsync(delivery, time.GetUtcNow(), CancellationToken.None);
        }
        catch (Exception e)
        {
            LogRecordFailed(logger, e, delivery.Tenant.Value, delivery.DeliveryId);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Alert {Kind} of tenant {TenantId} delivered to channel {ChannelId} (delivery {DeliveryId}, attempt {Attempt})")]
    private static partial void LogDelivered(ILogger logger, Guid tenantId, string kind, Guid channelId, Guid deliveryId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Kind} of tenant {TenantId} not delivered to channel {ChannelId} (delivery {DeliveryId}, attempt {Attempt}): {Error}; next attempt at {NextAttemptAt}")]
    private static partial void LogAttemptFailed(ILogger logger, Guid tenantId, string kind, Guid channelId, Guid deliveryId, int attempt, string error, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert {Kind} of tenant {TenantId} given up for channel {ChannelId} (delivery {DeliveryId}) after {Attempt} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, Guid tenantId, string kind, Guid channelId, Guid deliveryId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert deliveries could not be claimed; trying again")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outcome of delivery {DeliveryId} (tenant {TenantId}) could not be recorded; it is tried again when its lease ends")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, Guid tenantId, Guid deliveryId);
}
