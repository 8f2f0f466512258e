using System.Diagnostics.CodeAnalysis;

namespace PulsePoint.Tenancy;

/// <summary>
/// A validated tenant identifier: a non-empty UUID. Every edge (HTTP header, claim, CLI argument,
/// <c>RequestContext</c>) turns untrusted text into a <see cref="TenantId"/> through <see cref="Parse"/>
/// before anything else, so no unvalidated tenant string can reach SQL or a grain key.
/// </summary>
[GenerateSerializer, Immutable, Alias("PulsePoint.TenantId")]
public readonly record struct TenantId
{
    /// <summary>Wraps a GUID; rejects <see cref="Guid.Empty"/>, which never names a tenant.</summary>
    public TenantId(Guid value)
    {
        if (value == Guid.Empty)
        {
            throw new InvalidTenantIdException("the empty UUID (00000000-0000-0000-0000-000000000000) is not a tenant id");
        }

        Value = value;
    }

    /// <summary>The tenant's UUID.</summary>
    [Id(0)]
    public Guid Value { get; }

    /// <summary>
    /// Parses the canonical 36-character UUID form (<c>xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx</c>).
    /// Anything else — braces, other formats, whitespace, SQL fragments — is rejected.
    /// </summary>
    /// <exception cref="InvalidTenantIdException">The text is not a canonical, non-empty UUID.</exception>
    public static TenantId Parse(string? text)
    {
        if (TryParse(text, out var id))
        {
            return id;
        }

        throw new InvalidTenantIdException(Describe(text));
    }

    /// <summary>Like <see cref="Parse"/> but returns false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out TenantId id)
    {
        if (text is { Length: 36 } && Guid.TryParseExact(text, "D", out var guid) && guid != Guid.Empty)
        {
            id = new TenantId(guid);
            return true;
        }

        id = default;
        return false;
    }

    /// <summary>Creates a fresh random tenant id.</summary>
    public static TenantId New() => new(Guid.NewGuid());

    /// <summary>The canonical lower-case UUID text, the only form ever sent to PostgreSQL.</summary>
    public override string ToString() => Value.ToString("D");

    private static string Describe(string? text)
    {
        if (text is null)
        {
            return "no tenant id was given";
        }

        // Echo a bounded, printable prefix only: the input is untrusted and may be huge or binary.
        var shown = new string(text.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return $"'{shown}{(text.Length > 40 ? "…" : "")}' is not a tenant id; expected a UUID like 3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    }
}
