using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PulsePoint.Destinations;
using PulsePoint.Events;
using PulsePoint.Tenancy;
using static PulsePoint.Tests.Destinations.BigQueryWireFormat;

namespace PulsePoint.Tests.Destinations;

/// <summary>The BigQuery warehouse's requests and its handling of documented responses (no BigQuery emulator exists).</summary>
public sealed class BigQueryDestinationTests
{
    private readonly RecordedBigQuery _api = new();
    private readonly TenantId _tenant = TenantId.Parse("5f1c2b3a-9d8e-4f70-a1b2-c3d4e5f60718");
    private const string Dataset = "tenant_5f1c2b3a_9d8e_4f70_a1b2_c3d4e5f60718";

    private BigQueryDestination Destination(int maxRetries = 4) => new(
        _api,
        Options.Create(new BigQueryOptions
        {
            ProjectId = Project,
            MaxRetryAttempts = maxRetries,
            InitialBackoff = TimeSpan.FromMilliseconds(1),
            MaxBackoff = TimeSpan.FromMilliseconds(5),
        }),
        _api,
        TimeProvider.System,
        NullLogger<BigQueryDestination>.Instance);

    private RecordedBigQuery ExpectTableCreation() => _api
        .Reply(HttpMethod.Post, $"{Root}/datasets", Dataset(Dataset))
        .Reply(HttpMethod.Post, $"{Root}/datasets/{Dataset}/tables", Table(Dataset));

    private static string InsertAll => $"{Root}/datasets/{Dataset}/tables/observability_events/insertAll";

    private static List<string> InsertIds(RecordedBigQuery.RecordedRequest request) =>
        request.Body!["rows"]!.AsArray().Select(r => r!["insertId"]!.GetValue<string>()).ToList();

    private static List<string> Ids(IEnumerable<StructuredEvent> events) => events.Select(e => e.EventId.ToString()).ToList();

    [Fact]
    public async Task BigQuery_first_delivery_creates_the_tenant_dataset_and_a_day_partitioned_table_then_inserts_rows()
    {
        var events = TestEvents.Many(_tenant, DateTimeOffset.UtcNow, 3);
        ExpectTableCreation().Reply(HttpMethod.Post, InsertAll, InsertAllOk).Reply(HttpMethod.Post, InsertAll, InsertAllOk);
        var destination = Destination();

        await destination.DeliverAsync(events, CancellationToken.None);
        await destination.DeliverAsync(events.Take(1).ToList(), CancellationToken.None);

        Assert.Equal(4, _api.Requests.Count);
        Assert.All(_api.Requests, r => Assert.Equal($"Bearer {RecordedBigQuery.Token}", r.Authorization));

        var dataset = _api.Requests[0].Body!;
        Assert.Equal(Project, dataset["datasetReference"]!["projectId"]!.GetValue<string>());
        Assert.Equal(Dataset, dataset["datasetReference"]!["datasetId"]!.GetValue<string>());
        Assert.Equal("US", dataset["location"]!.GetValue<string>());

        var table = _api.Requests[1].Body!;
        Assert.Equal("observability_events", table["tableReference"]!["tableId"]!.GetValue<string>());
        Assert.Equal("DAY", table["timePartitioning"]!["type"]!.GetValue<string>());
        Assert.Equal("timestamp", table["timePartitioning"]!["field"]!.GetValue<string>());
        Assert.Equal((2557L * 24 * 3600 * 1000).ToString(), table["timePartitioning"]!["expirationMs"]!.GetValue<string>());
        Assert.Equal(["category", "event_type", "ai_model"], table["clustering"]!["fields"]!.AsArray().Select(f => f!.GetValue<string>()));
        var fields = table["schema"]!["fields"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(
            ["event_id", "request_id", "tenant_id", "user_id", "brand_id", "category", "event_type", "severity", "status", "timestamp",
             "duration_ms", "cpu_time_ms", "tokens_used", "tokens_input", "tokens_output", "tokens_cache_read", "tokens_cache_write",
             "cost_usd", "accuracy_score", "was_cached", "fallback_used", "error_code", "error_message", "ai_model", "schema_version",
             "budget_reservation_id", "attributes", "tokens_reasoning"],
            fields);
        // Money to 12 decimal places: NUMERIC holds only 9.
        Assert.Equal("BIGNUMERIC", table["schema"]!["fields"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "cost_usd")!["type"]!.GetValue<string>());

        var insert = _api.Requests[2].Body!;
        Assert.False(insert["skipInvalidRows"]!.GetValue<bool>());
        Assert.Equal(Ids(events), InsertIds(_api.Requests[2]));
        var row = insert["rows"]![0]!["json"]!;
        Assert.Equal(events[0].EventId.ToString(), row["event_id"]!.GetValue<string>());
        Assert.Equal(_tenant.ToString(), row["tenant_id"]!.GetValue<string>());
        Assert.Equal("ai.operations", row["category"]!.GetValue<string>());
        Assert.Equal("0.012345", row["cost_usd"]!.GetValue<string>());
        Assert.EndsWith("Z", row["timestamp"]!.GetValue<string>());

        // The second delivery to the same tenant creates nothing more.
        Assert.Equal(InsertAll, _api.Requests[3].Path);
    }

    [Fact]
    public async Task BigQuery_dataset_and_table_that_already_exist_are_fine()
    {
        _api.Reply(HttpMethod.Post, $"{Root}/datasets", HttpStatusCode.Conflict, Error(409, "duplicate", "ALREADY_EXISTS", $"Already Exists: Dataset {Project}:{Dataset}"))
            .Reply(HttpMethod.Post, $"{Root}/datasets/{Dataset}/tables", HttpStatusCode.Conflict, Error(409, "duplicate", "ALREADY_EXISTS", "Already Exists: Table"))
            .Reply(HttpMethod.Post, InsertAll, InsertAllOk);

        await Destination().DeliverAsync([TestEvents.Minimal(_tenant, DateTimeOffset.UtcNow)], CancellationToken.None);

        Assert.Equal(0, _api.RepliesLeft);
    }

    [Fact]
    public async Task BigQuery_requests_hold_at_most_500_rows_and_a_repeated_event_once()
    {
        var events = TestEvents.Many(_tenant, DateTimeOffset.UtcNow, 1201);
        ExpectTableCreation().Reply(HttpMethod.Post, InsertAll, InsertAllOk).Reply(HttpMethod.Post, InsertAll, InsertAllOk).Reply(HttpMethod.Post, InsertAll, InsertAllOk);

        await Destination().DeliverAsync([.. events, events[0]], CancellationToken.None);

        var inserts = _api.Requests.Skip(2).ToList();
        Assert.Equal([500, 500, 201], inserts.Select(r => InsertIds(r).Count));
        Assert.Equal(Ids(events), inserts.SelectMany(InsertIds));
    }

    [Fact]
    public async Task BigQuery_partial_insertErrors_resend_only_the_failed_rows()
    {
        var events = TestEvents.Many(_tenant, DateTimeOffset.UtcNow, 5);
        ExpectTableCreation()
            .Reply(HttpMethod.Post, InsertAll, InsertErrors((1, "backendError", "", "Backend error."), (3, "rateLimitExceeded", "", "Exceeded rate limits.")))
            .Reply(HttpMethod.Post, InsertAll, InsertErrors((1, "internalError", "", "Internal error.")))
            .Reply(HttpMethod.Post, InsertAll, InsertAllOk);

        await Destination().DeliverAsync(events, CancellationToken.None);

        var inserts = _api.Requests.Skip(2).ToList();
        Assert.Equal(Ids(events), InsertIds(inserts[0]));
        Assert.Equal(Ids([events[1], events[3]]), InsertIds(inserts[1]));
        Assert.Equal(Ids([events[3]]), InsertIds(inserts[2]));
    }

    [Fact]
    public async Task BigQuery_invalid_row_fails_the_delivery_naming_the_event_without_retrying()
    {
        var events = TestEvents.Many(_tenant, DateTimeOffset.UtcNow, 4);
        ExpectTableCreation().Reply(HttpMethod.Post, InsertAll, InsertErrors(
            (0, "stopped", "", ""),
            (2, "invalid", "cost_usd", "Invalid NUMERIC value: abc"),
            (1, "stopped", "", ""),
            (3, "stopped", "", "")));

        var failure = await Assert.ThrowsAsync<BigQueryException>(() => Destination().DeliverAsync(events, CancellationToken.None));

        Assert.False(failure.Retryable);
        Assert.Equal("invalid", failure.Reason);
        Assert.Equal([events[2].EventId], failure.EventIds);
        Assert.Contains(events[2].EventId.ToString(), failure.Message);
        Assert.Contains("cost_usd", failure.Message);
        Assert.Equal(3, _api.Requests.Count);
    }

    [Fact]
    public async Task BigQuery_429_5xx_and_403_rateLimitExceeded_are_retried_with_the_same_rows()
    {
        var events = TestEvents.Many(_tenant, DateTimeOffset.UtcNow, 3);
        ExpectTableCreation()
            .Reply(HttpMethod.Post, InsertAll, HttpStatusCode.TooManyRequests, Error(429, "rateLimitExceeded", "RESOURCE_EXHAUSTED", "Quota exceeded"))
            .Reply(HttpMethod.Post, InsertAll, HttpStatusCode.ServiceUnavailable, Error(503, "backendError", "UNAVAILABLE", "Backend error"))
            .Reply(HttpMethod.Post, InsertAll, HttpStatusCode.BadGateway, ProxyBadGateway)
            .Reply(HttpMethod.Post, InsertAll, HttpStatusCode.Forbidden, Error(403, "rateLimitExceeded", "PERMISSION_DENIED", "Exceeded rate limits: too many table update operations"))
            .Reply(HttpMethod.Post, InsertAll, InsertAllOk);

        await Destination().DeliverAsync(events, CancellationToken.None);

        var inserts = _api.Requests.Skip(2).ToList();
        Assert.Equal(5, inserts.Count);
        Assert.All(inserts, r => Assert.Equal(Ids(events), InsertIds(r)));
    }

    [Fact]
    public async Task BigQuery_retries_are_bounded_then_the_delivery_throws_for_the_relay()
    {
        ExpectTableCreation();
        for (var i = 0; i < 3; i++)
        {
            _api.Reply(HttpMethod.Post, InsertAll, HttpStatusCode.ServiceUnavailable, Error(503, "backendError", "UNAVAILABLE", "Backend error"));
        }

        var failure = await Assert.ThrowsAsync<BigQueryException>(
            () => Destination(maxRetries: 2).DeliverAsync([TestEvents.Minimal(_tenant, DateTimeOffset.UtcNow)], CancellationToken.None));

        Assert.True(failure.Retryable);
        Assert.Equal("backendError", failure.Reason);
        Assert.Equal(0, _api.RepliesLeft);
    }

    [Fact]
    public async Task BigQuery_bad_request_is_not_retried()
    {
        ExpectTableCreation().Reply(HttpMethod.Post, InsertAll, HttpStatusCode.BadRequest, Error(400, "invalid", "INVALID_ARGUMENT", "No such field: extra."));

        var failure = await Assert.ThrowsAsync<BigQueryException>(
            () => Destination().DeliverAsync([TestEvents.Minimal(_tenant, DateTimeOffset.UtcNow)], CancellationToken.None));

        Assert.False(failure.Retryable);
        Assert.Equal(400, failure.HttpStatus);
        Assert.Equal(3, _api.Requests.Count);
    }

    [Fact]
    public async Task BigQuery_query_binds_named_parameters_polls_an_unfinished_job_and_reads_every_page()
    {
        var client = new BigQueryQueryClient(
            _api,
            Options.Create(new BigQueryOptions { ProjectId = Project, QueryPollInterval = TimeSpan.Zero, InitialBackoff = TimeSpan.FromMilliseconds(1) }),
            _api,
            TimeProvider.System,
            NullLogger<BigQueryQueryClient>.Instance);
        _api.Reply(HttpMethod.Post, $"{Root}/queries", QueryRunning)
            .Reply(HttpMethod.Get, $"{Root}/queries/job_Xk2-9a", HttpStatusCode.ServiceUnavailable, Error(503, "backendError", "UNAVAILABLE", "Backend error"))
            .Reply(HttpMethod.Get, $"{Root}/queries/job_Xk2-9a", ResultsStillRunning)
            .Reply(HttpMethod.Get, $"{Root}/queries/job_Xk2-9a", ResultsFirstPage)
            .Reply(HttpMethod.Get, $"{Root}/queries/job_Xk2-9a", ResultsLastPage);
        var table = BigQueryIdentifiers.QuotedTable(Project, Dataset, "observability_events");
        var sql = $"select date(timestamp) as day, ai_model, sum(tokens_used) as tokens from {table} where tenant_id = @tenant and timestamp >= @since group by 1, 2";

        var result = await client.QueryAsync(sql,
            [BigQueryParameter.String("tenant", _tenant.ToString()), BigQueryParameter.Timestamp("since", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero))],
            CancellationToken.None);

        Assert.Equal(["day", "ai_model", "tokens"], result.Columns);
        Assert.Equal(3, result.Rows.Count);
        Assert.Equal(["2026-11-25", "claude-3-sonnet", "1500"], result.Rows[0]);
        Assert.Null(result.Rows[1][result.IndexOf("ai_model")]);
        Assert.Equal("42", result.Rows[2][2]);

        var query = _api.Requests[0].Body!;
        Assert.Equal(sql, query["query"]!.GetValue<string>());
        Assert.False(query["useLegacySql"]!.GetValue<bool>());
        Assert.Equal("NAMED", query["parameterMode"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(query["requestId"]!.GetValue<string>()));
        var parameters = query["queryParameters"]!.AsArray();
        Assert.Equal("tenant", parameters[0]!["name"]!.GetValue<string>());
        Assert.Equal("STRING", parameters[0]!["parameterType"]!["type"]!.GetValue<string>());
        Assert.Equal(_tenant.ToString(), parameters[0]!["parameterValue"]!["value"]!.GetValue<string>());
        Assert.Equal("TIMESTAMP", parameters[1]!["parameterType"]!["type"]!.GetValue<string>());
        Assert.Equal("2026-11-01T00:00:00.000000Z", parameters[1]!["parameterValue"]!["value"]!.GetValue<string>());
        Assert.DoesNotContain(_tenant.ToString(), query["query"]!.GetValue<string>());

        Assert.All(_api.Requests.Skip(1), r => Assert.Contains("location=US", r.Query));
        Assert.DoesNotContain("pageToken", _api.Requests[3].Query);
        Assert.Contains("pageToken=BHLQ2FQ%2FAAAAAA%3D%3D", _api.Requests[4].Query);
        Assert.Equal(0, _api.RepliesLeft);
    }
}
