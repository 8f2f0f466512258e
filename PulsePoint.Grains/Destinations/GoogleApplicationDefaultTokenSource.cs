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

    private readonly object _gate = new();
    private Task<ITokenAccess>? _credential;

    /// <inheritdoc />
    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        Task<ITokenAccess> credential;
        lock (_gate)
        {
            // Load once; after a failure (no credentials yet) the next delivery looks again.
            if (_credential is null || _credential.IsFaulted || _credential.IsCanceled)
            {
                _credential = LoadAsync();
            }

            credential = _credential;
        }

        return await (await credential).GetAccessTokenForRequestAsync(authUri: null, cancellationToken);
    }

    private async Task<ITokenAccess> LoadAsync() => (await GoogleCredential.GetApplicationDefaultAsync()).CreateScoped(scope);
}
