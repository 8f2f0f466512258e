namespace PulsePoint.Alerts;

/// <summary>Wakes this silo's delivery worker: an alert was just recorded here, or an attempt ended and a slot is free.</summary>
public sealed class AlertDeliverySignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Wakes the worker if it waits (at most one pending wake-up).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake-pending.
        }
    }

    /// <summary>Waits for <see cref="Wake"/> or <paramref name="timeout"/>.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);
}
