using Google.Apis.Auth.OAuth2;

namespace PulsePoint.Destinations;

/// <summary>
/// Access tokens from Google Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, the gcloud
/// user credentials, or the metadata server on Google Cloud), scoped to one API. Google.Apis.Auth caches
/// the token and refreshes it before it expires.
/// </summary>
public sealed class GoogleApplicationDefaultTokenSource(string scope) : IGoogleAccessTokenSource
{
    public const string PubSubScope = "https://www.googleapis.com/auth/pubsub";

    public const string BigQueryScope = "https://www.googleapis.com/auth/bigquery";

    private readonly Lazy<Task<ITokenAccess>> _credential = new(async () =>
        (await GoogleCredential.GetApplicationDefaultAsync()).CreateScoped(scope));

    /// <inheritdoc />
    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        var credential = await _credential.Value;
        return await credential.GetAccessTokenForRequestAsync(authUri: null, cancellationToken);
    }
}
