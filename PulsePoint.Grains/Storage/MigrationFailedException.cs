namespace PulsePoint.Storage;

/// <summary>A migration script failed; nothing of that script was applied.</summary>
public sealed class MigrationFailedException(string? script, Exception? inner)
    : Exception($"migration {script ?? "(unknown script)"} failed: {inner?.Message}", inner);
