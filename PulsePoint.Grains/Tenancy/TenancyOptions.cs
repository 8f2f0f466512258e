using System.ComponentModel.DataAnnotations;

namespace PulsePoint.Tenancy;

/// <summary>Tenant grain behaviour (section <c>PulsePoint:Tenancy</c>).</summary>
public sealed class TenancyOptions
{
    public const string Section = "PulsePoint:Tenancy";

    /// <summary>How often an active tenant grain re-reads its row to pick up out-of-band edits.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00", ErrorMessage = "PulsePoint:Tenancy:RefreshPeriod must be between 100 ms and 1 day")]
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a grain for an unknown tenant id stays after its last call. Short, so that calls with
    /// random ids cannot pile up activations, yet long enough that a burst of them hits the cached answer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "PulsePoint:Tenancy:UnknownTenantIdleTimeout must be between 100 ms and 1 hour")]
    public TimeSpan UnknownTenantIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
