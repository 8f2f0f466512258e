using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PulsePoint.Tenancy;

namespace PulsePoint.Destinations;

/// <summary>
/// Delivery lag of the outbox relays active on this silo, per destination and shard: gauges
/// <c>pulsepoint.events.relay_lag_events</c> and <c>pulsepoint.events.relay_lag_seconds</c> (meter
/// <c>PulsePoint</c>, tags destination and shard) and the event relay's /readyz entry.
/// </summary>
public sealed class RelayLagMonitor : IDisposable
{
    private readonly ConcurrentDictionary<(string Destination, int Shard), RelayLag> _lags = new();
    private readonly TimeProvider _time;
    private readonly Meter _meter;

    public RelayLagMonitor(IMeterFactory meterFactory, TimeProvider time)
    {
        _time = time;
        _meter = meterFactory.Create(TenantMetrics.MeterName);
        _meter.CreateObservableGauge("pulsepoint.events.relay_lag_events", () => _lags.Select(l =>
            new Measurement<long>(l.Value.Events, Tags(l.Key))), unit: "{event}", description: "Committed events not yet delivered to the destination");
        _meter.CreateObservableGauge("pulsepoint.events.relay_lag_seconds", () => _lags.Select(l =>
            new Measurement<double>(Seconds(l.Value), Tags(l.Key))), unit: "s", description: "Age of the oldest committed event not yet delivered");
    }

    public void Report(string destination, int shard, RelayLag lag) => _lags[(destination, shard)] = lag;

    public void Forget(int shard)
    {
        foreach (var key in _lags.Keys.Where(k => k.Shard == shard))
        {
            _lags.TryRemove(key, out _);
        }
    }

    /// <summary>Per destination: events behind (sum over shards), seconds behind (worst shard), last error.</summary>
    public IReadOnlyDictionary<string, (long Events, double Seconds, string? LastError)> ByDestination() =>
        _lags.GroupBy(l => l.Key.Destination).ToDictionary(
            g => g.Key,
            g => (g.Sum(l => l.Value.Events), g.Max(l => Seconds(l.Value)), g.Select(l => l.Value.LastError).FirstOrDefault(e => e is not null)));

    public void Dispose() => _meter.Dispose();

    private double Seconds(RelayLag lag) =>
        lag.OldestUndeliveredAt is { } oldest ? Math.Max(0, (_time.GetUtcNow() - oldest).TotalSeconds) : 0;

    private static KeyValuePair<string, object?>[] Tags((string Destination, int Shard) key) =>
        [new("destination", key.Destination), new("shard", key.Shard)];
}
