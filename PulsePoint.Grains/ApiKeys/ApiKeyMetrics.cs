using System.Diagnostics.Metrics;
using PulsePoint.Tenancy;

namespace PulsePoint.ApiKeys;

/// <summary>
/// Counters that show API key checks are answered from memory: database loads per check tends to 0
/// (meter <c>PulsePoint</c>; also readable in-process for tests and benchmarks).
/// </summary>
public sealed class ApiKeyMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _loads;
    private readonly Counter<long> _checks;
    private long _totalLoads;

    public ApiKeyMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(TenantMetrics.MeterName);
        _loads = _meter.CreateCounter<long>("pulsepoint.api_keys.database_loads", description: "API key rows read from PostgreSQL by key grains");
        _checks = _meter.CreateCounter<long>("pulsepoint.api_keys.checks", description: "API keys checked by key grains, by result (accepted, refused)");
    }

    /// <summary>Database loads on this silo since start.</summary>
    public long TotalLoads => Interlocked.Read(ref _totalLoads);

    public void DatabaseLoad()
    {
        Interlocked.Increment(ref _totalLoads);
        _loads.Add(1);
    }

    public void Check(bool accepted) => _checks.Add(1, new KeyValuePair<string, object?>("result", accepted ? "accepted" : "refused"));

    public void Dispose() => _meter.Dispose();
}
