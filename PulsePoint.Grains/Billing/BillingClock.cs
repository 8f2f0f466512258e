namespace PulsePoint.Billing;

/// <summary>
/// The clock billing decides "today" (UTC), alert re-arming and reservation expiry with. It is a
/// service of its own so tests can move billing to the next day without moving the clock Orleans
/// itself runs on; in production it is the silo's <see cref="TimeProvider"/>.
/// </summary>
public sealed class BillingClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>The current UTC day.</summary>
    public DateOnly Today => DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);
}
