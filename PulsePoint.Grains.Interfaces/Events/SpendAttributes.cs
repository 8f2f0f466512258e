namespace PulsePoint.Events;

/// <summary>The event attributes that say whose spend an AI event is, beside its <c>user_id</c> (see <c>SpendScope</c>).</summary>
public static class SpendAttributes
{
    /// <summary>The feature of the tenant's product that made the AI call; a caller's own tag.</summary>
    public const string Feature = "feature";

    /// <summary>The id of the API key the event was sent with. Set by the HTTP edge, which replaces whatever the body says.</summary>
    public const string ApiKeyId = "api_key_id";

    /// <summary>The attribute's value, or null when the event has none or an empty one.</summary>
    public static string? Of(StructuredEvent e, string key)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Attributes is { } attributes && attributes.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
    }
}
