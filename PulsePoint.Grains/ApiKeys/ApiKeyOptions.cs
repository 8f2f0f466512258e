using System.ComponentModel.DataAnnotations;

namespace PulsePoint.ApiKeys;

/// <summary>API key grain behaviour (section <c>PulsePoint:ApiKeys</c>).</summary>
public sealed class ApiKeyOptions
{
    public const string Section = "PulsePoint:ApiKeys";

    /// <summary>How often a key's grain re-reads its row, to pick up a revocation made while the cluster could not be reached.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00", ErrorMessage = "PulsePoint:ApiKeys:RefreshPeriod must be between 100 ms and 1 day")]
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often at most a key's last-used time is written to PostgreSQL (never once per request).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00", ErrorMessage = "PulsePoint:ApiKeys:LastUsedWritePeriod must be between 100 ms and 1 day")]
    public TimeSpan LastUsedWritePeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the grain of an unknown key id stays after its last call (guessed ids must not pile up activations).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "PulsePoint:ApiKeys:UnknownKeyIdleTimeout must be between 100 ms and 1 hour")]
    public TimeSpan UnknownKeyIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
