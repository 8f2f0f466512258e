using Orleans.Runtime;
using Polly;
using Polly.Retry;
using PulsePoint.Events;

namespace PulsePoint.Client.Resilience;

/// <summary>
/// Retries idempotent grain calls through transient cluster errors — a silo restarting, a gateway
/// going away, a silo shedding load, a response timeout — with bounded exponential backoff
/// (<see cref="MaxAttempts"/> attempts within about 3 seconds plus the calls' own time). Anything else
/// (validation, tenant mismatch, not found) surfaces at once, unchanged.
/// </summary>
public static class TransientClusterErrors
{
    /// <summary>Attempts in all (the first call and its retries).</summary>
    public const int MaxAttempts = 5;

    /// <summary>The retry pipeline for idempotent calls (tenant checks, event appends: idempotent by event id).</summary>
    public static ResiliencePipeline Pipeline { get; } = Build(IsTransient);

    /// <summary>True for errors that a retry can cure: the cluster, not the request, was at fault.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        SiloUnavailableException => true,
        OrleansMessageRejectionException => true,
        GatewayTooBusyException => true,
        Orleans.Runtime.Messaging.ConnectionFailedException => true,
        ClientNotAvailableException => true,
        // Orleans' response timeout: the call may or may not have run, so only idempotent calls come here.
        TimeoutException => true,
        _ => false,
    };

    /// <summary>Runs an idempotent call with retries on transient cluster errors.</summary>
    public static ValueTask<T> RetryAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken = default) =>
        Pipeline.ExecuteAsync(call, cancellationToken);

    /// <summary>
    /// Runs an idempotent call (an event append: idempotent by event id) with retries on transient cluster
    /// errors; when every attempt failed that way, throws <see cref="PulsePointUnavailableException"/> naming
    /// <paramref name="operation"/>. Everything else surfaces at once, unchanged: permanent errors
    /// (<see cref="InvalidEventException"/>, tenant mismatch) and the event sink's own answers
    /// (<see cref="EventSinkOverloadedException"/>: back-pressure, retrying at once would make it worse;
    /// <see cref="EventSinkUnavailableException"/>: PostgreSQL down, a retry would wait the flush timeout again).
    /// </summary>
    /// <exception cref="PulsePointUnavailableException">The cluster stayed unavailable through every attempt.</exception>
    public static async ValueTask<T> RetryAppendAsync<T>(string operation, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Pipeline.ExecuteAsync(call, cancellationToken);
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw new PulsePointUnavailableException(operation, MaxAttempts, e);
        }
    }

    private static ResiliencePipeline Build(Func<Exception, bool> transient) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle(transient),
            MaxRetryAttempts = MaxAttempts - 1,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(200),
            UseJitter = true,
        })
        .Build();
}
