namespace PulsePoint.Client.Resilience;

/// <summary>
/// The cluster stayed unavailable through every retry of an idempotent call (silos restarting, no gateway,
/// event sink overloaded, or PostgreSQL not committing). Nothing was acknowledged: the call may be retried
/// later unchanged (event appends are idempotent by event id). <see cref="Exception.InnerException"/> is
/// the last transient error.
/// </summary>
public sealed class PulsePointUnavailableException : Exception
{
    /// <summary>Creates the exception after <paramref name="attempts"/> failed attempts.</summary>
    public PulsePointUnavailableException(string operation, int attempts, Exception lastError)
        : base($"{operation} failed after {attempts} attempts because the PulsePoint cluster was unavailable " +
               $"({lastError.GetType().Name}: {lastError.Message}). Nothing was acknowledged; retrying later is safe.", lastError)
    {
        Attempts = attempts;
    }

    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; }
}
