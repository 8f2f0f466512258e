using System.Diagnostics.CodeAnalysis;

namespace PulsePoint.Brands;

/// <summary>
/// Validation of brand ids at the edge: untrusted text becomes a brand <see cref="Guid"/> only if it is
/// a canonical, non-empty UUID, so no unvalidated string reaches SQL or a grain key.
/// </summary>
public static class BrandId
{
    /// <summary>Parses the canonical 36-character UUID form; anything else is rejected.</summary>
    /// <exception cref="InvalidBrandIdException">The text is not a canonical, non-empty UUID.</exception>
    public static Guid Parse(string? text) =>
        TryParse(text, out var id) ? id : throw new InvalidBrandIdException(Describe(text));

    /// <summary>Like <see cref="Parse"/> but returns false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Guid id)
    {
        if (text is { Length: 36 } && Guid.TryParseExact(text, "D", out id) && id != Guid.Empty)
        {
            return true;
        }

        id = Guid.Empty;
        return false;
    }

    /// <summary>Throws <see cref="InvalidBrandIdException"/> for <see cref="Guid.Empty"/>, which never names a brand.</summary>
    public static Guid Validate(Guid id) =>
        id == Guid.Empty ? throw new InvalidBrandIdException("Invalid brand id: the empty UUID is not a brand id.") : id;

    private static string Describe(string? text)
    {
        if (text is null)
        {
            return "Invalid brand id: no brand id was given.";
        }

        // Echo a bounded, printable prefix only: the input is untrusted.
        var shown = new string(text.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return $"Invalid brand id: '{shown}{(text.Length > 40 ? "…" : "")}' is not a UUID.";
    }
}
