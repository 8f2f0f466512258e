using Orleans.Runtime;
using Polly;
using Polly.Retry;

namespace PulsePoint.Client.Resilience;

/// <summary>
/// Retries idempotent grain calls through transient cluster errors — a silo restarting, a gateway
/// going away, a silo shedding load — with bounded exponential backoff (5 attempts within about
/// 3 seconds). Anything else (validation, tenant mismatch, not found) surfaces at once.
/// </summary>
public static class TransientClusterErrors
{
    /// <summary>The retry pipeline for idempotent calls (tenant checks, event appends: idempotent by event id).</summary>
    public static ResiliencePipeline Pipeline { get; } = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
            MaxRetryAttempts = 4,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(200),
            UseJitter = true,
        })
        .Build();

    /// <summary>True for errors that a retry can cure: the cluster, not the request, was at fault.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        SiloUnavailableException => true,
        OrleansMessageRejectionException => true,
        GatewayTooBusyException => true,
        Orleans.Runtime.Messaging.ConnectionFailedException => true,
        ClientNotAvailableException => true,
        _ => false,
    };

    /// <summary>Runs an idempotent call with retries on transient cluster errors.</summary>
    public static ValueTask<T> RetryAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken = default) =>
        Pipeline.ExecuteAsync(call, cancellationToken);
}
