using Npgsql;
using NpgsqlTypes;

namespace PulsePoint.Storage;

/// <summary>Nullable column writers for binary COPY: a missing value is written as SQL NULL.</summary>
public static class BinaryImport
{
    public static Task WriteNullableAsync<T>(this NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct) where T : class =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, type, ct);

    public static Task WriteNullableAsync<T>(this NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct) where T : struct =>
        value is { } v ? copy.WriteAsync(v, type, ct) : copy.WriteNullAsync(ct);
}
