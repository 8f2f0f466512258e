namespace PulsePoint.Tenancy;

/// <summary>
/// A call reached an operator operation (a tenant's status or budget, the billing counters, API keys, the retention job)
/// without a valid operator signature. Raised by the silo's incoming call filter before the grain method runs: these
/// operations are reached through the silo (its HTTP admin endpoints and command-line verbs), never by a backend
/// service's client.
/// </summary>
[GenerateSerializer, Alias("PulsePoint.OperatorCallRefusedException")]
public sealed class OperatorCallRefusedException : UnauthorizedAccessException
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public OperatorCallRefusedException(string message) : base(message)
    {
    }
}
