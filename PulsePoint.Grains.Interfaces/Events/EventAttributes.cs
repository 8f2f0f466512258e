using System.Collections;
using System.Text.Json;

namespace PulsePoint.Events;

/// <summary>
/// Named string values an event carries beyond its fixed fields (e.g. a cost alert's spend and threshold).
/// Keys are unique and kept in ordinal order, so two sets with the same entries are equal and serialize to
/// the same JSON object. Limits (count, key shape, value length) are checked by <see cref="StructuredEventValidator"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("PulsePoint.EventAttributes")]
public sealed class EventAttributes : IReadOnlyDictionary<string, string>, IEquatable<EventAttributes>
{
    [Id(0)]
    private readonly KeyValuePair<string, string>[] _items;

    /// <summary>Creates the set from <paramref name="items"/>.</summary>
    /// <exception cref="ArgumentException">A key or value is null, or a key appears twice.</exception>
    public EventAttributes(IEnumerable<KeyValuePair<string, string>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = items.OrderBy(i => i.Key, StringComparer.Ordinal).ToArray();
        for (var i = 0; i < _items.Length; i++)
        {
            if (_items[i].Key is null || _items[i].Value is null)
            {
                throw new ArgumentException("An event attribute needs a key and a value.", nameof(items));
            }

            if (i > 0 && string.Equals(_items[i - 1].Key, _items[i].Key, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The event attribute '{_items[i].Key}' is given twice.", nameof(items));
            }
        }
    }

    /// <summary>Creates the set from key/value pairs.</summary>
    public static EventAttributes Of(params (string Key, string Value)[] items) =>
        new(items.Select(i => KeyValuePair.Create(i.Key, i.Value)));

    /// <inheritdoc />
    public int Count => _items.Length;

    /// <inheritdoc />
    public IEnumerable<string> Keys => _items.Select(i => i.Key);

    /// <inheritdoc />
    public IEnumerable<string> Values => _items.Select(i => i.Value);

    /// <inheritdoc />
    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The event has no attribute '{key}'.");

    /// <inheritdoc />
    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <inheritdoc />
    public bool TryGetValue(string key, out string value)
    {
        foreach (var item in _items)
        {
            if (string.Equals(item.Key, key, StringComparison.Ordinal))
            {
                value = item.Value;
                return true;
            }
        }

        value = null!;
        return false;
    }

    /// <summary>The set as one JSON object of strings, keys in ordinal order.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (key, value) in _items)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a JSON object whose values are all strings, as <see cref="ToJson"/> writes it.</summary>
    /// <exception cref="JsonException">The text is not such an object.</exception>
    public static EventAttributes FromJson(string json) =>
        new(JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? throw new JsonException("Event attributes must be a JSON object, not null."));

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(EventAttributes? other) => other is not null && _items.AsSpan().SequenceEqual(other._items);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as EventAttributes);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (key, value) in _items)
        {
            hash.Add(key, StringComparer.Ordinal);
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => ToJson();
}
