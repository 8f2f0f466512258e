namespace PulsePoint.Alerts;

/// <summary>
/// When a failed delivery is tried again: <see cref="AlertOptions.InitialBackoff"/> doubled per failed attempt, up to
/// <see cref="AlertOptions.MaxBackoff"/>, at least what the receiver asked for (Retry-After), spread by ±20 % so the
/// deliveries of one outage do not all come back at once. The spread is derived from the delivery id, not drawn at
/// random, so an attempt's schedule can be told in advance.
/// </summary>
public static class AlertBackoff
{
    public static TimeSpan After(int failedAttempts, Guid deliveryId, AlertOptions options, TimeSpan? retryAfter = null)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var delay = TimeSpan.FromTicks((long)Math.Min(options.MaxBackoff.Ticks, options.InitialBackoff.Ticks * Math.Pow(2, exponent)));
        var spread = 0.8 + 0.4 * ((uint)deliveryId.GetHashCode() % 1000) / 1000.0;
        delay = TimeSpan.FromTicks((long)(delay.Ticks * spread));
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked;
        }

        return delay < options.MaxBackoff ? delay : options.MaxBackoff;
    }
}
