namespace PulsePoint.Destinations;

/// <summary>Gives the OAuth access token the Google REST adapters send as <c>Authorization: Bearer</c>.</summary>
public interface IGoogleAccessTokenSource
{
    /// <summary>A valid access token (the source caches and refreshes it).</summary>
    Task<string> GetAccessTokenAsync(CancellationToken cancellationToken);
}
