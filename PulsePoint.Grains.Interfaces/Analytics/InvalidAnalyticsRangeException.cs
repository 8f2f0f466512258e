namespace PulsePoint.Analytics;

/// <summary>An analytics range was inverted or too long; the message says which and how to fix it.</summary>
[GenerateSerializer, Alias("PulsePoint.InvalidAnalyticsRangeException")]
public sealed class InvalidAnalyticsRangeException : ArgumentException
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public InvalidAnalyticsRangeException(string message) : base(message)
    {
    }
}
