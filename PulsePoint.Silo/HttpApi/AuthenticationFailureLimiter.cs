using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace PulsePoint.Silo.HttpApi;

/// <summary>
/// Slows key guessing: each client address may fail authentication <see cref="HttpApiOptions.FailedAuthenticationsPerMinute"/>
/// times a minute (a token bucket refilled continuously); past that its requests get 429 without their key being
/// looked at, until the bucket refills. Successful requests cost nothing. The address is the connection's: behind a
/// proxy, forward the client address (ASP.NET Core's forwarded headers) or every client shares the proxy's budget.
/// </summary>
public sealed class AuthenticationFailureLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _failures;
    private readonly TimeSpan _refill;

    public AuthenticationFailureLimiter(IOptions<HttpApiOptions> options)
    {
        var perMinute = options.Value.FailedAuthenticationsPerMinute;
        // One token back every 60/N seconds, so a blocked address may try again soon, but only at the allowed rate.
        _refill = TimeSpan.FromSeconds(60.0 / perMinute);
        _failures = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ =>
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = perMinute,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = _refill,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>True when <paramref name="address"/> has no failed attempt left; <paramref name="retryAfter"/> says when it will.</summary>
    public bool IsBlocked(IPAddress address, out TimeSpan retryAfter)
    {
        retryAfter = _refill;
        return _failures.GetStatistics(address) is { CurrentAvailablePermits: <= 0 };
    }

    /// <summary>Counts a failed authentication of <paramref name="address"/>.</summary>
    public void Failed(IPAddress address)
    {
        using var lease = _failures.AttemptAcquire(address);
    }

    public void Dispose() => _failures.Dispose();
}
