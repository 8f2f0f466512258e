namespace PulsePoint.Billing;

/// <summary>A pricing file has an entry that cannot be imported; nothing of the file is imported. The message names the entry and the field.</summary>
public sealed class PriceImportException(string entry, string field, string problem)
    : Exception($"entry '{entry}', field '{field}': {problem}")
{
    /// <summary>The entry: a model name, or the entry's position when it has none.</summary>
    public string Entry { get; } = entry;

    /// <summary>The field of the entry at fault.</summary>
    public string Field { get; } = field;
}
