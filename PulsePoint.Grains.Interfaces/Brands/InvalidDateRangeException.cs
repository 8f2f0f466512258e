namespace PulsePoint.Brands;

/// <summary>A date range was inverted (ends before it starts) or too long. Nothing was sent to the database.</summary>
[GenerateSerializer, Alias("PulsePoint.InvalidDateRangeException")]
public sealed class InvalidDateRangeException : ArgumentException
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public InvalidDateRangeException(string message) : base(message)
    {
    }
}
