using Npgsql;
using NpgsqlTypes;

namespace PulsePoint.Storage;

/// <summary>Positional parameter binding, so every SQL value is a bound parameter and call sites stay short.</summary>
public static class CommandParameters
{
    /// <summary>Appends the next positional parameter (<c>$n</c>); null becomes SQL NULL.</summary>
    public static NpgsqlCommand Bind(this NpgsqlCommand command, object? value)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }

    /// <inheritdoc cref="Bind(NpgsqlCommand, object?)"/>
    public static NpgsqlBatchCommand Bind(this NpgsqlBatchCommand command, object? value)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }

    /// <summary>Appends the next positional parameter as an array of <paramref name="elementType"/> (for <c>unnest($n::type[])</c>).</summary>
    public static void AddArray<T>(this NpgsqlParameterCollection parameters, NpgsqlDbType elementType, IEnumerable<T> values) =>
        parameters.Add(new NpgsqlParameter { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | elementType });
}
