using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;
using PulsePoint.Events;

namespace PulsePoint.Destinations;

/// <summary>
/// Real-time destination (<c>realtime</c>) on Google Cloud Pub/Sub through its REST API (<c>topics.publish</c>),
/// or the emulator when <see cref="PubSubOptions.EffectiveEmulatorHost"/> is set. Each event is one message:
/// data = the event's JSON, attributes tenant_id, category, severity, event_type and event_id.
/// Requests hold at most 1000 messages and 10 MB, as the service requires. A request that fails with a
/// status the official client retries is retried with exponential backoff (Polly), a bounded number of
/// times; after that <see cref="DeliverAsync"/> throws and the relay sends the batch again later.
/// Delivery is at-least-once: Pub/Sub does not deduplicate publishes, so subscribers deduplicate by the
/// <c>event_id</c> attribute.
/// </summary>
public sealed partial class PubSubDestination : IEventDestination
{
    public const string HttpClientName = "PulsePoint.PubSub";

    /// <summary>Most messages one publish request may carry.</summary>
    public const int MaxMessagesPerRequest = 1000;

    /// <summary>Largest publish request body we send; the service's limit is 10 MB, and this leaves room for framing.</summary>
    public const int MaxRequestBytes = 9_500_000;

    // The codes the official client library retries a publish on.
    private static readonly HashSet<string> RetryableStatuses =
        ["UNAVAILABLE", "INTERNAL", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED", "ABORTED", "CANCELLED", "UNKNOWN"];

    private readonly IHttpClientFactory _http;
    private readonly PubSubOptions _options;
    private readonly IGoogleAccessTokenSource? _tokens;
    private readonly ILogger<PubSubDestination> _logger;
    private readonly ResiliencePipeline _retry;
    private readonly string _baseUrl;
    private readonly string _topicPath;
    private volatile bool _topicReady;

    /// <summary>Creates the destination; <paramref name="tokens"/> gives credentials for the real service and may be null for the emulator, which takes none.</summary>
    public PubSubDestination(
        IHttpClientFactory http,
        IOptions<PubSubOptions> options,
        IGoogleAccessTokenSource? tokens,
        TimeProvider time,
        ILogger<PubSubDestination> logger)
    {
        _http = http;
        _options = options.Value;
        _logger = logger;
        var emulator = _options.EffectiveEmulatorHost;
        _tokens = emulator is null ? tokens ?? throw new ArgumentNullException(nameof(tokens), "The real Pub/Sub service needs credentials.") : null;
        _baseUrl = emulator is null ? _options.Endpoint.TrimEnd('/') : "http://" + emulator;
        _topicPath = $"projects/{Uri.EscapeDataString(_options.ProjectId!)}/topics/{Uri.EscapeDataString(_options.TopicId!)}";
        _topicReady = !_options.CreateTopic;
        _retry = GoogleApiRetry.Build(
            time, _options.MaxRetryAttempts, _options.InitialBackoff, _options.MaxBackoff, _options.AttemptTimeout,
            e => e is PubSubPublishException { Retryable: true },
            (attempt, delay, error) => LogRetry(_logger, attempt, delay, error));
    }

    /// <inheritdoc />
    public string Name => "pubsub";

    /// <summary>The topic's resource name, <c>projects/P/topics/T</c>.</summary>
    public string TopicPath => _topicPath;

    /// <inheritdoc />
    public async Task DeliverAsync(IReadOnlyList<StructuredEvent> batch, CancellationToken cancellationToken)
    {
        foreach (var request in Requests(batch))
        {
            try
            {
                await _retry.ExecuteAsync(
                    static (state, ct) => new ValueTask(state.Self.PublishOnceAsync(state.Request, ct)),
                    (Self: this, Request: request),
                    cancellationToken);
            }
            catch (TimeoutRejectedException e)
            {
                throw new PubSubPublishException("DEADLINE_EXCEEDED", null, true,
                    $"Publishing to {_topicPath} timed out after {_options.AttemptTimeout} on every attempt", e);
            }
        }
    }

    /// <summary>Splits a batch into publish request bodies of at most 1000 messages and <see cref="MaxRequestBytes"/>.</summary>
    internal static IEnumerable<PublishRequest> Requests(IReadOnlyList<StructuredEvent> batch)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var json = new Utf8JsonWriter(buffer);
        var count = 0;
        foreach (var e in batch)
        {
            var data = EventJson.ToUtf8(e);
            // Base64 grows data by 4/3; attributes and punctuation are well under 512 bytes.
            var size = (data.Length + 2) / 3 * 4 + 512;
            if (count > 0 && (count == MaxMessagesPerRequest || buffer.WrittenCount + size > MaxRequestBytes))
            {
                yield return Finish(json, buffer, count);
                buffer = new ArrayBufferWriter<byte>();
                json = new Utf8JsonWriter(buffer);
                count = 0;
            }

            if (count == 0)
            {
                json.WriteStartObject();
                json.WriteStartArray("messages");
            }

            json.WriteStartObject();
            json.WriteBase64String("data", data);
            json.WriteStartObject("attributes");
            json.WriteString("tenant_id", e.TenantId.ToString());
            json.WriteString("category", EventNames.Of(e.Category));
            json.WriteString("severity", EventNames.Of(e.Severity));
            json.WriteString("event_type", e.EventType);
            json.WriteString("event_id", e.EventId);
            json.WriteEndObject();
            json.WriteEndObject();
            json.Flush();
            count++;
        }

        if (count > 0)
        {
            yield return Finish(json, buffer, count);
        }
    }

    private static PublishRequest Finish(Utf8JsonWriter json, ArrayBufferWriter<byte> buffer, int count)
    {
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        json.Dispose();
        return new PublishRequest(buffer.WrittenMemory, count);
    }

    private async Task PublishOnceAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        if (!_topicReady)
        {
            await CreateTopicAsync(cancellationToken);
        }

        using var message = await NewRequestAsync(HttpMethod.Post, $"/v1/{_topicPath}:publish", request.Body, cancellationToken);
        using var response = await SendAsync(message, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var error = await GoogleApiError.ReadAsync(response, cancellationToken);
            if (error.Status == "NOT_FOUND" && _options.CreateTopic)
            {
                // The topic vanished (an emulator keeps topics in memory only): create it again on the next attempt.
                _topicReady = false;
                throw Failure(error, retryable: true);
            }

            throw Failure(error, RetryableStatuses.Contains(error.Status));
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        var ids = document.RootElement.TryGetProperty("messageIds", out var m) && m.ValueKind == JsonValueKind.Array ? m.GetArrayLength() : 0;
        if (ids != request.Count)
        {
            throw new PubSubPublishException("UNKNOWN", (int)response.StatusCode, true,
                $"Pub/Sub acknowledged {ids} of {request.Count} messages published to {_topicPath}");
        }

        LogPublished(_logger, request.Count, _topicPath);
    }

    private async Task CreateTopicAsync(CancellationToken cancellationToken)
    {
        using var message = await NewRequestAsync(HttpMethod.Put, $"/v1/{_topicPath}", "{}"u8.ToArray(), cancellationToken);
        using var response = await SendAsync(message, cancellationToken);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Conflict)
        {
            var error = await GoogleApiError.ReadAsync(response, cancellationToken);
            throw Failure(error, RetryableStatuses.Contains(error.Status));
        }

        _topicReady = true;
    }

    private async Task<HttpRequestMessage> NewRequestAsync(HttpMethod method, string path, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var message = new HttpRequestMessage(method, _baseUrl + path)
        {
            Content = new ReadOnlyMemoryContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        if (_tokens is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _tokens.GetAccessTokenAsync(cancellationToken));
        }

        return message;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.CreateClient(HttpClientName).SendAsync(message, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            // No response at all (refused, reset, DNS): the service is unavailable from here.
            throw new PubSubPublishException("UNAVAILABLE", null, true, $"Pub/Sub at {_baseUrl} is unreachable: {e.Message}", e);
        }
    }

    private PubSubPublishException Failure(GoogleApiError error, bool retryable) =>
        new(error.Status, error.HttpStatus, retryable, $"Pub/Sub {_topicPath}: {error.Status} (HTTP {error.HttpStatus}): {error.Message}");

    /// <summary>One publish request body and how many messages it carries.</summary>
    internal sealed record PublishRequest(ReadOnlyMemory<byte> Body, int Count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {Count} events to {Topic}")]
    private static partial void LogPublished(ILogger logger, int count, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pub/Sub publish failed; attempt {Attempt} follows in {Delay}")]
    private static partial void LogRetry(ILogger logger, int attempt, TimeSpan delay, Exception? exception);
}
