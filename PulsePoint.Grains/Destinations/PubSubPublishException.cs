namespace PulsePoint.Destinations;

/// <summary>
/// A Pub/Sub request failed. <see cref="Status"/> is the canonical gRPC status name from the error body
/// (e.g. <c>UNAVAILABLE</c>); <see cref="Retryable"/> says whether the official client would retry it.
/// </summary>
public sealed class PubSubPublishException : Exception
{
    public PubSubPublishException(string status, int? httpStatus, bool retryable, string message, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
        HttpStatus = httpStatus;
        Retryable = retryable;
    }

    /// <summary>Canonical status name, e.g. <c>UNAVAILABLE</c> or <c>INVALID_ARGUMENT</c>.</summary>
    public string Status { get; }

    /// <summary>The HTTP status code, when a response arrived.</summary>
    public int? HttpStatus { get; }

    /// <summary>Whether sending the same request again may succeed.</summary>
    public bool Retryable { get; }
}
