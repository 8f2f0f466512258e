using Npgsql;

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
}
