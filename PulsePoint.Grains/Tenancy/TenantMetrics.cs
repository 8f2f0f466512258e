using System.Diagnostics.Metrics;

namespace PulsePoint.Tenancy;

/// <summary>
/// Counters that make the tenant cache measurable: hit ratio = 1 − loads / checks
/// (meter <c>PulsePoint</c>; also readable in-process for benchmarks).
/// </summary>
public sealed class TenantMetrics : IDisposable
{
    public const string MeterName = "PulsePoint";

    private readonly Meter _meter;
    private readonly Counter<long> _loads;
    private readonly Counter<long> _checks;
    private long _totalLoads;
    private long _totalChecks;

    public TenantMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _loads = _meter.CreateCounter<long>("pulsepoint.tenant.database_loads", description: "Tenant rows read from PostgreSQL by tenant grains");
        _checks = _meter.CreateCounter<long>("pulsepoint.tenant.status_checks", description: "Tenant status checks answered by tenant grains");
    }

    /// <summary>Database loads on this silo since start.</summary>
    public long TotalLoads => Interlocked.Read(ref _totalLoads);

    /// <summary>Status checks answered on this silo since start.</summary>
    public long TotalChecks => Interlocked.Read(ref _totalChecks);

    public void DatabaseLoad()
    {
        Interlocked.Increment(ref _totalLoads);
        _loads.Add(1);
    }

    public void StatusCheck()
    {
        Interlocked.Increment(ref _totalChecks);
        _checks.Add(1);
    }

    public void Dispose() => _meter.Dispose();
}
