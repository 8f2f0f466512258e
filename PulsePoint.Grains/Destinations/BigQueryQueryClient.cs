using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PulsePoint.Destinations;

/// <summary>
/// Runs GoogleSQL reads on BigQuery through <c>jobs.query</c> with named parameters. When the first answer
/// says <c>jobComplete: false</c>, polls <c>jobs.getQueryResults</c> until the job completes, then follows
/// <c>pageToken</c> until every row is read. Each request is retried like the warehouse's; a query that is
/// re-sent carries the same <c>requestId</c>, so BigQuery runs it once.
/// </summary>
public sealed class BigQueryQueryClient
{
    private readonly BigQueryOptions _options;
    private readonly BigQueryTransport _transport;
    private readonly TimeProvider _time;
    private readonly string _project;

    public BigQueryQueryClient(
        IHttpClientFactory http,
        IOptions<BigQueryOptions> options,
        [FromKeyedServices(BigQueryDestination.TokenSourceKey)] IGoogleAccessTokenSource tokens,
        TimeProvider time,
        ILogger<BigQueryQueryClient> logger)
    {
        _options = options.Value;
        _project = BigQueryIdentifiers.Project(_options.ProjectId ?? "");
        _time = time;
        _transport = new BigQueryTransport(http, _options, tokens, time, logger);
    }

    /// <summary>Runs <paramref name="sql"/> with <paramref name="parameters"/> bound by name, and reads every row.</summary>
    /// <exception cref="BigQueryException">The query failed, or did not finish within <see cref="BigQueryOptions.QueryTimeout"/>.</exception>
    public async Task<BigQueryQueryResult> QueryAsync(string sql, IReadOnlyList<BigQueryParameter> parameters, CancellationToken cancellationToken)
    {
        var requestId = Guid.NewGuid().ToString("N");
        var deadline = _time.GetUtcNow() + _options.QueryTimeout;
        var pollMs = (long)_options.QueryPollInterval.TotalMilliseconds;
        var response = await _transport.SendAsync(HttpMethod.Post, $"projects/{_project}/queries", json =>
        {
            json.WriteStartObject();
            json.WriteString("kind", "bigquery#queryRequest");
            json.WriteString("query", sql);
            json.WriteBoolean("useLegacySql", false);
            json.WriteString("parameterMode", "NAMED");
            json.WriteStartArray("queryParameters");
            foreach (var p in parameters)
            {
                json.WriteStartObject();
                json.WriteString("name", p.Name);
                json.WriteStartObject("parameterType");
                json.WriteString("type", p.Type);
                json.WriteEndObject();
                json.WriteStartObject("parameterValue");
                if (p.Value is null) json.WriteNull("value"); else json.WriteString("value", p.Value);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("location", _options.Location);
            json.WriteString("requestId", requestId);
            json.WriteNumber("timeoutMs", pollMs);
            json.WriteEndObject();
        }, cancellationToken);

        var columns = new List<string>();
        var types = new List<string>();
        var rows = new List<IReadOnlyList<string?>>();
        try
        {
            var jobId = JobId(response.RootElement);
            while (!(response.RootElement.TryGetProperty("jobComplete", out var complete) && complete.ValueKind == JsonValueKind.True))
            {
                if (_time.GetUtcNow() > deadline)
                {
                    throw new BigQueryException("timeout", null, retryable: false, $"BigQuery job {jobId} did not complete within {_options.QueryTimeout}");
                }

                await Task.Delay(_options.QueryPollInterval, _time, cancellationToken);
                response.Dispose();
                response = await _transport.SendAsync(HttpMethod.Get, ResultsPath(jobId, pageToken: null, pollMs), null, cancellationToken);
            }

            ThrowIfJobFailed(response.RootElement, jobId);
            ReadColumns(response.RootElement, columns, types);
            ReadRows(response.RootElement, rows);
            while (response.RootElement.TryGetProperty("pageToken", out var token) && token.GetString() is { Length: > 0 } pageToken)
            {
                response.Dispose();
                response = await _transport.SendAsync(HttpMethod.Get, ResultsPath(jobId, pageToken, pollMs), null, cancellationToken);
                ThrowIfJobFailed(response.RootElement, jobId);
                ReadRows(response.RootElement, rows);
            }
        }
        finally
        {
            response.Dispose();
        }

        return new BigQueryQueryResult(columns, rows, types);
    }

    private string ResultsPath(string jobId, string? pageToken, long pollMs)
    {
        var path = $"projects/{_project}/queries/{Uri.EscapeDataString(jobId)}?location={Uri.EscapeDataString(_options.Location)}&timeoutMs={pollMs}";
        return pageToken is null ? path : path + "&pageToken=" + Uri.EscapeDataString(pageToken);
    }

    private static string JobId(JsonElement response) =>
        response.TryGetProperty("jobReference", out var job) && job.TryGetProperty("jobId", out var id) && id.GetString() is { Length: > 0 } jobId
            ? jobId
            : throw new BigQueryException("unknown", 200, retryable: false, "BigQuery answered a query without a jobReference.jobId");

    private static void ThrowIfJobFailed(JsonElement response, string jobId)
    {
        if (response.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0
            && !response.TryGetProperty("rows", out _) && !response.TryGetProperty("schema", out _))
        {
            var first = errors[0];
            var reason = first.TryGetProperty("reason", out var r) ? r.GetString() ?? "unknown" : "unknown";
            var message = first.TryGetProperty("message", out var m) ? m.GetString() : null;
            throw new BigQueryException(reason, 200, retryable: false, $"BigQuery job {jobId} failed: {reason}: {message}");
        }
    }

    private static void ReadColumns(JsonElement response, List<string> columns, List<string> types)
    {
        if (response.TryGetProperty("schema", out var schema) && schema.TryGetProperty("fields", out var fields))
        {
            foreach (var field in fields.EnumerateArray())
            {
                columns.Add(field.GetProperty("name").GetString()!);
                types.Add(field.TryGetProperty("type", out var type) ? type.GetString() ?? "" : "");
            }
        }
    }

    private static void ReadRows(JsonElement response, List<IReadOnlyList<string?>> rows)
    {
        if (!response.TryGetProperty("rows", out var pageRows) || pageRows.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var row in pageRows.EnumerateArray())
        {
            rows.Add(row.GetProperty("f").EnumerateArray().Select(cell => cell.TryGetProperty("v", out var v) ? Cell(v) : null).ToList());
        }
    }

    private static string? Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        _ => value.GetRawText(),
    };
}
