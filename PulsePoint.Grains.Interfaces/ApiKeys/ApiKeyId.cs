using System.Diagnostics.CodeAnalysis;

namespace PulsePoint.ApiKeys;

/// <summary>
/// The public identity of an API key: its kind and 12 base32 characters (60 random bits). Written with its
/// prefix, e.g. <c>pp_live_k7f3x9abq2mz</c>; it is not a secret (it is shown by <c>keys list</c>), so a leaked
/// key can be recognised and revoked by it. It is the key of the key's grain (<c>IApiKeyGrain</c>, inside the silo).
/// </summary>
[GenerateSerializer, Immutable, Alias("PulsePoint.ApiKeyId")]
public readonly record struct ApiKeyId
{
    /// <summary>The number of characters of <see cref="Value"/>.</summary>
    public const int Length = 12;

    /// <summary>Wraps a validated id.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not 12 characters of a-z and 2-7.</exception>
    public ApiKeyId(ApiKeyKind kind, string value)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown API key kind.");
        }

        if (!IsIdText(value))
        {
            throw new ArgumentException("An API key id is 12 characters of a-z and 2-7.", nameof(value));
        }

        Kind = kind;
        Value = value;
    }

    /// <summary>Whose key it is.</summary>
    [Id(0)]
    public ApiKeyKind Kind { get; }

    /// <summary>The 12 base32 characters.</summary>
    [Id(1)]
    public string Value { get; }

    /// <summary>The visible prefix of a key of this kind: <c>pp_live_</c> or <c>pp_oper_</c>.</summary>
    public string Prefix => PrefixOf(Kind);

    /// <summary>The prefix of <paramref name="kind"/>'s keys.</summary>
    public static string PrefixOf(ApiKeyKind kind) => kind == ApiKeyKind.Operator ? "pp_oper_" : "pp_live_";

    /// <summary>
    /// Parses a key id as <c>keys list</c> prints it (<c>pp_live_k7f3x9abq2mz</c>), or its 12 characters alone, which
    /// are then of <paramref name="kindWithoutPrefix"/>.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, ApiKeyKind kindWithoutPrefix, out ApiKeyId id)
    {
        id = default;
        if (text is null)
        {
            return false;
        }

        foreach (var kind in new[] { ApiKeyKind.Tenant, ApiKeyKind.Operator })
        {
            if (text.Length == PrefixOf(kind).Length + Length && text.StartsWith(PrefixOf(kind), StringComparison.Ordinal) && IsIdText(text[PrefixOf(kind).Length..]))
            {
                id = new ApiKeyId(kind, text[PrefixOf(kind).Length..]);
                return true;
            }
        }

        if (IsIdText(text) && Enum.IsDefined(kindWithoutPrefix))
        {
            id = new ApiKeyId(kindWithoutPrefix, text);
            return true;
        }

        return false;
    }

    /// <summary>True when <paramref name="text"/> is 12 characters of the lower-case base32 alphabet.</summary>
    public static bool IsIdText([NotNullWhen(true)] string? text) => text is { Length: Length } && text.All(ApiKeySecret.IsBase32);

    /// <summary>The id with its prefix, e.g. <c>pp_live_k7f3x9abq2mz</c>.</summary>
    public override string ToString() => Prefix + Value;
}
