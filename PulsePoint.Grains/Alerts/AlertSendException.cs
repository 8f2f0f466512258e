namespace PulsePoint.Alerts;

/// <summary>One delivery attempt failed; the message says why without naming any secret.</summary>
public sealed class AlertSendException(string message, TimeSpan? retryAfter = null) : Exception(message)
{
    /// <summary>How long the receiver asked to be left alone (HTTP Retry-After), if it did.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
