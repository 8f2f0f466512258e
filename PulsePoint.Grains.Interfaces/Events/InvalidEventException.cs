namespace PulsePoint.Events;

/// <summary>An event failed validation. <see cref="Field"/> names the offending field; nothing was stored.</summary>
[GenerateSerializer, Alias("PulsePoint.InvalidEventException")]
public sealed class InvalidEventException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="field"/>.</summary>
    public InvalidEventException(string field, string problem)
        : base($"Invalid event: {field} {problem}.")
    {
        Field = field;
    }

    /// <summary>The field that is wrong, by its C# property name (e.g. <c>AccuracyScore</c>).</summary>
    [Id(0)]
    public string Field { get; }
}
