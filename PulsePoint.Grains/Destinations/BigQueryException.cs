namespace PulsePoint.Destinations;

/// <summary>
/// A BigQuery request failed. <see cref="Reason"/> is the first <c>ErrorProto.reason</c> (e.g. <c>backendError</c>,
/// <c>invalid</c>); <see cref="EventIds"/> names the events BigQuery refused, when the failure is about rows.
/// </summary>
public sealed class BigQueryException : Exception
{
    public BigQueryException(string reason, int? httpStatus, bool retryable, string message, IReadOnlyList<Guid>? eventIds = null, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
        HttpStatus = httpStatus;
        Retryable = retryable;
        EventIds = eventIds ?? [];
    }

    /// <summary>The error reason, e.g. <c>rateLimitExceeded</c> or <c>invalid</c>.</summary>
    public string Reason { get; }

    /// <summary>The HTTP status, when a response arrived.</summary>
    public int? HttpStatus { get; }

    /// <summary>Whether sending the same request again may succeed.</summary>
    public bool Retryable { get; }

    /// <summary>The events whose rows BigQuery refused (empty unless the failure is per row).</summary>
    public IReadOnlyList<Guid> EventIds { get; }
}
