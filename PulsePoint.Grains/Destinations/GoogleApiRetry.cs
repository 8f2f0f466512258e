using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace PulsePoint.Destinations;

/// <summary>
/// The retry pipeline both Google REST adapters use: each attempt under its own timeout, retried with
/// exponential backoff and jitter, a bounded number of times, for what the caller says is transient.
/// After the last attempt the delivery fails and the outbox relay tries again later.
/// </summary>
internal static class GoogleApiRetry
{
    public static ResiliencePipeline Build(
        TimeProvider time,
        int maxRetryAttempts,
        TimeSpan initialBackoff,
        TimeSpan maxBackoff,
        TimeSpan attemptTimeout,
        Func<Exception, bool> isTransient,
        Action<int, TimeSpan, Exception?> onRetry) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is TimeoutRejectedException || isTransient(e)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                MaxRetryAttempts = maxRetryAttempts,
                Delay = initialBackoff,
                MaxDelay = maxBackoff,
                OnRetry = args =>
                {
                    onRetry(args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(attemptTimeout)
            .Build();
}
