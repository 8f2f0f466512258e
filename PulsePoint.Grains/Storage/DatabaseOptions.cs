using System.ComponentModel.DataAnnotations;

namespace PulsePoint.Storage;

/// <summary>
/// Connection strings, one per PostgreSQL role (section <c>PulsePoint:Database</c>), and the key that signs the
/// tenant context. Each role can do exactly its job: the owner migrates, the application role runs tenant queries
/// under RLS, the pipeline role (BYPASSRLS) does the event sink's cross-tenant batch writes and bulk loads, the
/// Orleans role keeps Orleans' membership, grain state and reminders.
/// </summary>
public sealed class DatabaseOptions : IValidatableObject
{
    public const string Section = "PulsePoint:Database";

    /// <summary>Owner role: runs migrations. Needed only by the <c>migrate</c> verb.</summary>
    public string? Owner { get; set; }

    /// <summary>Application role: not superuser, not BYPASSRLS, owns no table. Used by the silo and its grains.</summary>
    [Required(ErrorMessage = "PulsePoint:Database:Application (the application role's connection string) is required")]
    public string? Application { get; set; }

    /// <summary>Pipeline role (BYPASSRLS): event sink batch writes and demo-data bulk loads.</summary>
    public string? Pipeline { get; set; }

    /// <summary>Orleans role: clustering membership, grain state and reminders; no tenant table. Required by <c>run</c>.</summary>
    public string? Orleans { get; set; }

    /// <summary>
    /// The key that signs every tenant-scoped transaction's tenant (<see cref="TenantContextSigner"/>): 32 random bytes in
    /// base64, the same on every silo, registered in the database by <c>migrate</c>. A secret, like the passwords.
    /// </summary>
    public string? TenantContextKey { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TenantContextKey is { } key && SecretKeys.TryParse(key) is null)
        {
            yield return new ValidationResult("PulsePoint:Database:TenantContextKey must be 32 bytes in base64, e.g. the output of `openssl rand -base64 32`");
        }
    }
}
