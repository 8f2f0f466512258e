using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace PulsePoint.Silo.HttpApi;

/// <summary>
/// Events (and spans) per second per key (<see cref="HttpApiOptions.EventsPerSecondPerKey"/>), beside the requests per
/// second the rate-limiting middleware counts: a request takes as many tokens as it carries events. The bucket holds at
/// least one full request (<see cref="HttpApiOptions.MaxEventsPerRequest"/>), so no accepted size can never pass.
/// </summary>
public sealed class EventRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _events;

    public EventRateLimiter(IOptions<HttpApiOptions> options)
    {
        var perSecond = options.Value.EventsPerSecondPerKey;
        var burst = Math.Max(perSecond, options.Value.MaxEventsPerRequest);
        _events = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ =>
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = Math.Max(1, perSecond / 10),
                ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Takes <paramref name="events"/> tokens of <paramref name="keyId"/>'s bucket; false (and when to retry) when there are not enough.</summary>
    public bool TryAcquire(string keyId, int events, out TimeSpan retryAfter)
    {
        using var lease = _events.AttemptAcquire(keyId, events);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        return lease.IsAcquired;
    }

    public void Dispose() => _events.Dispose();
}
