using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PulsePoint.Destinations;

namespace PulsePoint.Tests.Destinations;

/// <summary>
/// Stands in for the BigQuery REST API, which has no emulator: it records every request and replays
/// responses shaped as Google's REST reference documents them (insertAll, jobs.query, getQueryResults,
/// the error body). Used for BigQuery only; everything else runs against the real thing.
/// </summary>
public sealed class RecordedBigQuery : HttpMessageHandler, IHttpClientFactory, IGoogleAccessTokenSource
{
    public const string Token = "ya29.test-token";

    private readonly Queue<(HttpMethod Method, string PathPrefix, HttpStatusCode Status, string Body)> _replies = new();

    public List<RecordedRequest> Requests { get; } = [];

    public RecordedBigQuery Reply(HttpMethod method, string pathPrefix, HttpStatusCode status, string body)
    {
        _replies.Enqueue((method, pathPrefix, status, body));
        return this;
    }

    public RecordedBigQuery Reply(HttpMethod method, string pathPrefix, string body) => Reply(method, pathPrefix, HttpStatusCode.OK, body);

    public int RepliesLeft => _replies.Count;

    public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

    public Task<string> GetAccessTokenAsync(CancellationToken cancellationToken) => Task.FromResult(Token);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var text = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(
            request.Method,
            request.RequestUri!.AbsolutePath,
            request.RequestUri.Query,
            request.Headers.Authorization?.ToString(),
            text is null ? null : JsonNode.Parse(text));
        Requests.Add(recorded);
        if (!_replies.TryDequeue(out var reply))
        {
            throw new InvalidOperationException($"Unexpected request {request.Method} {request.RequestUri}");
        }

        Assert.Equal(reply.Method, request.Method);
        Assert.StartsWith(reply.PathPrefix, recorded.Path);
        return new HttpResponseMessage(reply.Status)
        {
            Content = new StringContent(reply.Body, Encoding.UTF8, reply.Body.StartsWith('{') ? "application/json" : "text/html"),
        };
    }

    public sealed record RecordedRequest(HttpMethod Method, string Path, string Query, string? Authorization, JsonNode? Body);
}
