using System.ComponentModel.DataAnnotations;

namespace PulsePoint.Silo.Hosting;

/// <summary>How this silo joins a cluster and where its web host listens (section <c>PulsePoint:Silo</c>).</summary>
public sealed class SiloOptions
{
    public const string Section = "PulsePoint:Silo";

    /// <summary><c>Localhost</c> (one machine, no database membership) or <c>AdoNet</c> (membership in PostgreSQL).</summary>
    public ClusteringMode Clustering { get; set; } = ClusteringMode.Localhost;

    [Required, RegularExpression("^[A-Za-z0-9._-]{1,100}$", ErrorMessage = "PulsePoint:Silo:ClusterId must be 1-100 letters, digits, '.', '_' or '-'")]
    public string ClusterId { get; set; } = "pulsepoint-local";

    [Required, RegularExpression("^[A-Za-z0-9._-]{1,100}$", ErrorMessage = "PulsePoint:Silo:ServiceId must be 1-100 letters, digits, '.', '_' or '-'")]
    public string ServiceId { get; set; } = "pulsepoint";

    [Range(1, 65535, ErrorMessage = "PulsePoint:Silo:SiloPort must be a TCP port (1-65535)")]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535, ErrorMessage = "PulsePoint:Silo:GatewayPort must be a TCP port (1-65535)")]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients use to reach this silo (AdoNet clustering).</summary>
    [Required]
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Where the web host (dashboard, health, metrics) listens. Loopback unless configured otherwise.</summary>
    [Required, Url(ErrorMessage = "PulsePoint:Silo:WebUrl must be an http(s) URL such as http://127.0.0.1:8080")]
    public string WebUrl { get; set; } = "http://127.0.0.1:8080";

    /// <summary>
    /// How long a stopping silo (SIGTERM) may take to flush event buffers, hand over grains and leave
    /// the membership table before the host gives up. Keep it below the orchestrator's kill deadline
    /// (60 s in deploy/).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "PulsePoint:Silo:ShutdownTimeout must be between 1 s and 10 min")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(45);
}
