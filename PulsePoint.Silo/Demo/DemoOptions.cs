namespace PulsePoint.Silo.Demo;

/// <summary>Demo tenants and traffic for a newcomer's first run (section <c>PulsePoint:Demo</c>).</summary>
public sealed class DemoOptions
{
    public const string Section = "PulsePoint:Demo";

    /// <summary>Create the demo tenants at start and keep calling grains so the dashboard shows traffic.</summary>
    public bool Enabled { get; set; }

    /// <summary>Tenant checks per second the traffic generator makes.</summary>
    public int ChecksPerSecond { get; set; } = 50;
}
