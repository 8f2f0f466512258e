namespace PulsePoint.Silo.Hosting;

/// <summary>An <see cref="ArgumentException"/> told to a person at an edge (a verb's error line, an HTTP problem's detail).</summary>
public static class ArgumentMessages
{
    /// <summary>The message without the <c> (Parameter 'name')</c> .NET appends: the parameter is the code's name, not the caller's.</summary>
    public static string Reason(this ArgumentException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
    }
}
