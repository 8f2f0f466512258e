using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Destinations;

/// <summary>
/// Analytics warehouse (<c>warehouse</c>) on Google BigQuery through <c>tabledata.insertAll</c>. Each tenant
/// has its own dataset (named from its validated id, see <see cref="BigQueryIdentifiers"/>) holding a
/// day-partitioned table whose partitions expire after seven years; both are created on first use.
/// Rows carry insertId = event id, which BigQuery uses to drop re-sent rows (best effort, about a minute),
/// so a relay retry normally adds no duplicate; readers that must be exact deduplicate by event_id.
/// A request holds at most 500 rows. An HTTP 200 can still report per-row insertErrors: rows that failed
/// for a transient reason are sent again (only those), and a row BigQuery calls invalid fails the delivery
/// with the event named.
/// </summary>
public sealed partial class BigQueryDestination : IEventDestination
{
    /// <summary>Most rows one insertAll request carries (Google's recommendation).</summary>
    public const int MaxRowsPerRequest = 500;

    /// <summary>The service key of the BigQuery-scoped credentials.</summary>
    public const string TokenSourceKey = "PulsePoint.BigQuery";

    private readonly BigQueryOptions _options;
    private readonly BigQueryTransport _transport;
    private readonly ILogger<BigQueryDestination> _logger;
    private readonly ConcurrentDictionary<string, bool> _readyTables = new(StringComparer.Ordinal);
    private readonly string _project;

    public BigQueryDestination(
        IHttpClientFactory http,
        IOptions<BigQueryOptions> options,
        [FromKeyedServices(BigQueryDestination.TokenSourceKey)] IGoogleAccessTokenSource tokens,
        TimeProvider time,
        ILogger<BigQueryDestination> logger)
    {
        _options = options.Value;
        _project = BigQueryIdentifiers.Project(_options.ProjectId ?? "");
        BigQueryIdentifiers.Table(_options.Table);
        _logger = logger;
        _transport = new BigQueryTransport(http, _options, tokens, time, logger);
    }

    /// <inheritdoc />
    public string Name => "bigquery";

    /// <inheritdoc />
    public TimeSpan BatchDelay => _options.BatchDelay;

    /// <inheritdoc />
    public async Task DeliverAsync(IReadOnlyList<StructuredEvent> batch, CancellationToken cancellationToken)
    {
        foreach (var tenant in batch.GroupBy(e => e.TenantId))
        {
            var dataset = BigQueryIdentifiers.DatasetOf(_options.DatasetPrefix, tenant.Key);
            if (_options.CreateOnFirstUse && !_readyTables.ContainsKey(dataset))
            {
                await CreateDatasetAndTableAsync(dataset, tenant.Key, cancellationToken);
                _readyTables[dataset] = true;
            }

            // A repeated event in one batch would be two rows with one insertId; send it once.
            foreach (var chunk in tenant.DistinctBy(e => e.EventId).Chunk(MaxRowsPerRequest))
            {
                await InsertAsync(dataset, chunk, cancellationToken);
            }
        }
    }

    private async Task InsertAsync(string dataset, IReadOnlyList<StructuredEvent> rows, CancellationToken cancellationToken)
    {
        var path = $"projects/{_project}/datasets/{dataset}/tables/{_options.Table}/insertAll";
        var pending = new List<StructuredEvent>(rows);
        await _transport.Retry.ExecuteAsync(async ct =>
        {
            using var response = await _transport.SendOnceAsync(HttpMethod.Post, path, json => WriteInsertAll(json, pending), ct);
            var failed = InsertErrors(response.RootElement, pending.Count);
            if (failed.Count == 0)
            {
                LogInserted(_logger, pending.Count, dataset);
                pending.Clear();
                return;
            }

            var invalid = failed.Where(f => !f.Value.All(e => IsRetryableRowReason(e.Reason))).OrderBy(f => f.Key).ToList();
            if (invalid.Count > 0)
            {
                var ids = invalid.Select(f => pending[f.Key].EventId).ToList();
                var first = invalid[0];
                var refusal = first.Value.First(e => !IsRetryableRowReason(e.Reason));
                throw new BigQueryException(refusal.Reason, 200, retryable: false,
                    $"BigQuery refused {invalid.Count} row(s) of {dataset}.{_options.Table}; first: event {pending[first.Key].EventId}: " +
                    $"{refusal.Reason} {refusal.Location} {refusal.Message}".TrimEnd(),
                    ids);
            }

            // Only the rows that failed go again: the others are in, and their insertIds would be dropped anyway.
            var retry = failed.Keys.Order().Select(i => pending[i]).ToList();
            var reasons = string.Join(", ", failed.Values.SelectMany(r => r).Select(e => e.Reason).Distinct());
            pending.Clear();
            pending.AddRange(retry);
            throw new BigQueryException(reasons, 200, retryable: true,
                $"BigQuery did not insert {retry.Count} row(s) of {dataset}.{_options.Table} ({reasons})", retry.Select(e => e.EventId).ToList());
        }, cancellationToken);
    }

    // "stopped": the row was fine but not inserted because another row of the request failed.
    private static bool IsRetryableRowReason(string reason) =>
        reason == "stopped" || BigQueryTransport.RetryableReasons.Contains(reason);

    private static void WriteInsertAll(Utf8JsonWriter json, IReadOnlyList<StructuredEvent> rows)
    {
        json.WriteStartObject();
        json.WriteString("kind", "bigquery#tableDataInsertAllRequest");
        json.WriteBoolean("skipInvalidRows", false);
        json.WriteBoolean("ignoreUnknownValues", false);
        json.WriteStartArray("rows");
        foreach (var e in rows)
        {
            json.WriteStartObject();
            json.WriteString("insertId", e.EventId);
            json.WritePropertyName("json");
            EventJson.Write(json, e);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Row index → its errors, from <c>insertErrors</c> of an insertAll response.</summary>
    private static Dictionary<int, List<RowError>> InsertErrors(JsonElement response, int rowCount)
    {
        var failed = new Dictionary<int, List<RowError>>();
        if (!response.TryGetProperty("insertErrors", out var errors) || errors.ValueKind != JsonValueKind.Array)
        {
            return failed;
        }

        foreach (var error in errors.EnumerateArray())
        {
            var index = error.TryGetProperty("index", out var i) ? ReadIndex(i) : -1;
            if (index < 0 || index >= rowCount)
            {
                throw new BigQueryException("unknown", 200, retryable: true, $"BigQuery reported an insert error for row {index} of {rowCount}");
            }

            if (!failed.TryGetValue(index, out var rowErrors))
            {
                failed[index] = rowErrors = [];
            }

            if (error.TryGetProperty("errors", out var protos) && protos.ValueKind == JsonValueKind.Array)
            {
                foreach (var proto in protos.EnumerateArray())
                {
                    rowErrors.Add(new RowError(Text(proto, "reason") ?? "unknown", Text(proto, "location"), Text(proto, "message")));
                }
            }

            if (rowErrors.Count == 0)
            {
                rowErrors.Add(new RowError("unknown", null, null));
            }
        }

        return failed;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>One <c>ErrorProto</c> of a row.</summary>
    private sealed record RowError(string Reason, string? Location, string? Message);

    private static int ReadIndex(JsonElement index) => index.ValueKind switch
    {
        JsonValueKind.Number => index.GetInt32(),
        JsonValueKind.String when int.TryParse(index.GetString(), out var parsed) => parsed,
        _ => -1,
    };

    private async Task CreateDatasetAndTableAsync(string dataset, TenantId tenant, CancellationToken cancellationToken)
    {
        var datasetCreated = await _transport.CreateAsync($"projects/{_project}/datasets", json =>
        {
            json.WriteStartObject();
            json.WriteStartObject("datasetReference");
            json.WriteString("projectId", _project);
            json.WriteString("datasetId", dataset);
            json.WriteEndObject();
            json.WriteString("location", _options.Location);
            json.WriteString("description", $"PulsePoint events of tenant {tenant}");
            json.WriteEndObject();
        }, cancellationToken);

        var tableCreated = await _transport.CreateAsync($"projects/{_project}/datasets/{dataset}/tables", json =>
        {
            json.WriteStartObject();
            json.WriteStartObject("tableReference");
            json.WriteString("projectId", _project);
            json.WriteString("datasetId", dataset);
            json.WriteString("tableId", _options.Table);
            json.WriteEndObject();
            json.WriteStartObject("schema");
            json.WriteStartArray("fields");
            foreach (var (name, type, required) in Schema)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("type", type);
                json.WriteString("mode", required ? "REQUIRED" : "NULLABLE");
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject("timePartitioning");
            json.WriteString("type", "DAY");
            json.WriteString("field", "timestamp");
            // int64 values travel as strings in Google's JSON.
            json.WriteString("expirationMs", ((long)_options.PartitionExpirationDays * 86_400_000L).ToString(System.Globalization.CultureInfo.InvariantCulture));
            json.WriteEndObject();
            json.WriteStartObject("clustering");
            json.WriteStartArray("fields");
            json.WriteStringValue("category");
            json.WriteStringValue("event_type");
            json.WriteStringValue("ai_model");
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }, cancellationToken);

        LogTableReady(_logger, dataset, _options.Table, datasetCreated, tableCreated);
    }

    /// <summary>The table's columns: the same names as PostgreSQL's and DuckDB's.</summary>
    internal static readonly (string Name, string Type, bool Required)[] Schema =
    [
        ("event_id", "STRING", true),
        ("request_id", "STRING", false),
        ("tenant_id", "STRING", true),
        ("user_id", "STRING", false),
        ("brand_id", "STRING", false),
        ("category", "STRING", true),
        ("event_type", "STRING", true),
        ("severity", "STRING", true),
        ("status", "STRING", true),
        ("timestamp", "TIMESTAMP", true),
        ("duration_ms", "FLOAT64", false),
        ("cpu_time_ms", "FLOAT64", false),
        ("tokens_used", "INT64", false),
        ("tokens_input", "INT64", false),
        ("tokens_output", "INT64", false),
        ("tokens_cache_read", "INT64", false),
        ("tokens_cache_write", "INT64", false),
        ("cost_usd", "BIGNUMERIC", false),
        ("accuracy_score", "FLOAT64", false),
        ("was_cached", "BOOL", true),
        ("fallback_used", "STRING", false),
        ("error_code", "STRING", false),
        ("error_message", "STRING", false),
        ("ai_model", "STRING", false),
        ("schema_version", "INT64", true),
        ("budget_reservation_id", "STRING", false),
        ("attributes", "STRING", false),
        ("tokens_reasoning", "INT64", false),
    ];

    [LoggerMessage(Level = LogLevel.Debug, Message = "BigQuery: {Count} rows inserted into {Dataset}")]
    private static partial void LogInserted(ILogger logger, int count, string dataset);

    [LoggerMessage(Level = LogLevel.Information, Message = "BigQuery: {Dataset}.{Table} ready (dataset created: {DatasetCreated}, table created: {TableCreated})")]
    private static partial void LogTableReady(ILogger logger, string dataset, string table, bool datasetCreated, bool tableCreated);
}
