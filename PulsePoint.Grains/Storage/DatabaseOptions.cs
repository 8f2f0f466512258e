using System.ComponentModel.DataAnnotations;

namespace PulsePoint.Storage;

/// <summary>
/// Connection strings, one per PostgreSQL role (section <c>PulsePoint:Database</c>). Each role can do
/// exactly its job: the owner migrates, the application role runs tenant queries under RLS, the
/// pipeline role (BYPASSRLS) does the event sink's cross-tenant batch writes and bulk loads.
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "PulsePoint:Database";

    /// <summary>Owner role: runs migrations. Needed only by the <c>migrate</c> verb.</summary>
    public string? Owner { get; set; }

    /// <summary>Application role: not superuser, not BYPASSRLS, owns no table. Used by the silo and its grains.</summary>
    [Required(ErrorMessage = "PulsePoint:Database:Application (the application role's connection string) is required")]
    public string? Application { get; set; }

    /// <summary>Pipeline role (BYPASSRLS): event sink batch writes and demo-data bulk loads.</summary>
    public string? Pipeline { get; set; }
}
