using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PulsePoint.Events;

namespace PulsePoint.Destinations;

/// <summary>
/// /readyz entry of the outbox relay: the lag of every destination in its details. A destination behind
/// by more than <c>PulsePoint:Events:MaxHealthyLag</c> makes it Degraded, not Unhealthy: PostgreSQL still
/// takes events and the relay catches up when the destination is back.
/// </summary>
internal sealed class RelayLagHealthCheck(RelayLagMonitor monitor, IOptions<EventOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var lags = monitor.ByDestination();
        var data = new Dictionary<string, object>();
        var behind = new List<string>();
        foreach (var (destination, lag) in lags.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            data[destination] = new Dictionary<string, object?>
            {
                ["lagEvents"] = lag.Events,
                ["lagSeconds"] = Math.Round(lag.Seconds, 3),
                ["lastError"] = lag.LastError,
            };
            if (lag.Seconds > options.Value.MaxHealthyLag.TotalSeconds)
            {
                behind.Add($"{destination} is {lag.Seconds:0} s ({lag.Events} events) behind");
            }
        }

        return Task.FromResult(behind.Count == 0
            ? HealthCheckResult.Healthy("event destinations up to date", data)
            : HealthCheckResult.Degraded(string.Join("; ", behind), data: data));
    }
}
