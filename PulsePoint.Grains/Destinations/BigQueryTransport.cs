using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace PulsePoint.Destinations;

/// <summary>
/// HTTP to the BigQuery REST API, shared by the warehouse destination and the query client: bearer token,
/// JSON bodies, Google's error body turned into <see cref="BigQueryException"/>, and the retry pipeline
/// (exponential backoff with jitter, bounded) for what Google documents as transient.
/// </summary>
internal sealed partial class BigQueryTransport
{
    public const string HttpClientName = "PulsePoint.BigQuery";

    /// <summary>Reasons BigQuery documents as transient (the official clients retry them), for whole requests and single rows.</summary>
    public static readonly HashSet<string> RetryableReasons = ["backendError", "rateLimitExceeded", "internalError", "jobBackendError", "jobInternalError"];

    private readonly IHttpClientFactory _http;
    private readonly IGoogleAccessTokenSource _tokens;
    private readonly string _baseUrl;
    private readonly ILogger _logger;

    public BigQueryTransport(IHttpClientFactory http, BigQueryOptions options, IGoogleAccessTokenSource tokens, TimeProvider time, ILogger logger)
    {
        _http = http;
        _tokens = tokens;
        _logger = logger;
        _baseUrl = options.Endpoint.TrimEnd('/') + "/";
        Retry = GoogleApiRetry.Build(
            time, options.MaxRetryAttempts, options.InitialBackoff, options.MaxBackoff, options.AttemptTimeout,
            e => e is BigQueryException { Retryable: true },
            (attempt, delay, error) => LogRetry(_logger, attempt, delay, error));
    }

    /// <summary>Retries with backoff whatever throws a retryable <see cref="BigQueryException"/>.</summary>
    public ResiliencePipeline Retry { get; }

    /// <summary>One request, no retry. <paramref name="path"/> is relative to the API root and already escaped.</summary>
    /// <exception cref="BigQueryException">Any non-success answer, or no answer.</exception>
    public async Task<JsonDocument> SendOnceAsync(HttpMethod method, string path, Action<Utf8JsonWriter>? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, _baseUrl + path);
        if (body is not null)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer))
            {
                body(json);
            }

            request.Content = new ReadOnlyMemoryContent(buffer.WrittenMemory) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _tokens.GetAccessTokenAsync(cancellationToken));
        HttpResponseMessage response;
        try
        {
            response = await _http.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new BigQueryException("unreachable", null, true, $"BigQuery at {_baseUrl} is unreachable: {e.Message}", inner: e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var error = await GoogleApiError.ReadAsync(response, cancellationToken);
                var code = error.HttpStatus;
                var retryable = code == 429 || code >= 500 || error.Reasons.Any(RetryableReasons.Contains);
                var reason = error.Reasons.FirstOrDefault() ?? error.Status;
                throw new BigQueryException(reason, code, retryable, $"BigQuery {method} {path}: HTTP {code} {reason}: {error.Message}");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }
    }

    /// <summary><see cref="SendOnceAsync"/> under the retry pipeline.</summary>
    public async Task<JsonDocument> SendAsync(HttpMethod method, string path, Action<Utf8JsonWriter>? body, CancellationToken cancellationToken)
    {
        try
        {
            return await Retry.ExecuteAsync(
                static async (state, ct) => await state.Self.SendOnceAsync(state.method, state.path, state.body, ct),
                (Self: this, method, path, body),
                cancellationToken);
        }
        catch (TimeoutRejectedException e)
        {
            throw new BigQueryException("timeout", null, true, $"BigQuery {method} {path} timed out on every attempt", inner: e);
        }
    }

    /// <summary>Creates a resource; false when it already exists (HTTP 409 duplicate).</summary>
    public async Task<bool> CreateAsync(string path, Action<Utf8JsonWriter> body, CancellationToken cancellationToken)
    {
        try
        {
            using var created = await SendAsync(HttpMethod.Post, path, body, cancellationToken);
            return true;
        }
        catch (BigQueryException e) when (e.HttpStatus == 409)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "BigQuery request failed; attempt {Attempt} follows in {Delay}")]
    private static partial void LogRetry(ILogger logger, int attempt, TimeSpan delay, Exception? exception);
}
