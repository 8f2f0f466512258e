using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PulsePoint.Analytics;
using PulsePoint.Destinations;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Destinations;
using PulsePoint.Tests.Infrastructure;
using static PulsePoint.Tests.Destinations.BigQueryWireFormat;

namespace PulsePoint.Tests.Analytics;

/// <summary>
/// The BigQuery dialect against the documented REST shapes (no BigQuery emulator exists, none is reachable here):
/// what each report sends in <c>jobs.query</c>, and how the <c>f</c>/<c>v</c> rows it gets back, typed by the
/// response schema, become the same rows as DuckDB's.
/// </summary>
public sealed class BigQueryAnalyticsTests
{
    private static readonly TenantId A = TenantId.Parse("5f1c2b3a-9d8e-4f70-a1b2-c3d4e5f60718");
    private static readonly TenantId B = TenantId.Parse("0a0b0c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d");
    private const string DatasetA = "tenant_5f1c2b3a_9d8e_4f70_a1b2_c3d4e5f60718";
    private const string DatasetB = "tenant_0a0b0c0d_1e2f_4a3b_8c4d_5e6f7a8b9c0d";
    private const string JobRoot = Root + "/queries";
    private static readonly AnalyticsRange Range = AnalyticsRange.Days(new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 3));

    private readonly RecordedBigQuery _api = new();

    private BigQueryAnalyticsWarehouse Warehouse() => new(
        new BigQueryQueryClient(
            _api,
            Options.Create(QueryOptions),
            _api,
            TimeProvider.System,
            NullLogger<BigQueryQueryClient>.Instance),
        Options.Create(QueryOptions));

    private static BigQueryOptions QueryOptions => new()
    {
        ProjectId = Project,
        QueryPollInterval = TimeSpan.Zero,
        InitialBackoff = TimeSpan.FromMilliseconds(1),
        MaxRetryAttempts = 2,
    };

    /// <summary>A <c>jobs.query</c> or <c>getQueryResults</c> answer: schema (REST type names), rows as <c>f</c>/<c>v</c>, optional page token.</summary>
    private static string Answer((string Name, string Type)[] schema, string?[][] rows, string? pageToken = null, bool fromQuery = true)
    {
        var answer = new JsonObject
        {
            ["kind"] = fromQuery ? "bigquery#queryResponse" : "bigquery#getQueryResultsResponse",
            ["schema"] = new JsonObject
            {
                ["fields"] = new JsonArray(schema.Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["type"] = f.Type, ["mode"] = "NULLABLE" }).ToArray()),
            },
            ["jobReference"] = new JsonObject { ["projectId"] = Project, ["jobId"] = "job_Xk2-9a", ["location"] = "US" },
            ["totalRows"] = rows.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["rows"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
            {
                ["f"] = new JsonArray(r.Select(v => (JsonNode)new JsonObject { ["v"] = v is null ? null : JsonValue.Create(v) }).ToArray()),
            }).ToArray()),
            ["totalBytesProcessed"] = "2048",
            ["jobComplete"] = true,
            ["cacheHit"] = false,
        };
        if (pageToken is not null)
        {
            answer["pageToken"] = pageToken;
        }

        return answer.ToJsonString();
    }

    private static readonly (string, string)[] UsageSchema =
    [
        ("day", "DATE"), ("ai_model", "STRING"), ("input_tokens", "INTEGER"), ("output_tokens", "INTEGER"), ("total_tokens", "INTEGER"),
        ("cost_usd", "NUMERIC"), ("avg_duration_ms", "FLOAT"), ("operations", "INTEGER"),
    ];

    private static string ParameterValue(JsonNode body, string name) =>
        body["queryParameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == name)!["parameterValue"]!["value"]!.GetValue<string>();

    private static string ParameterType(JsonNode body, string name) =>
        body["queryParameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == name)!["parameterType"]!["type"]!.GetValue<string>();

    [Fact]
    public async Task BigQuery_usage_sends_GoogleSQL_on_the_tenant_dataset_with_named_typed_parameters_and_reads_every_page()
    {
        // jobComplete=false first, then getQueryResults until done, then a second page by pageToken.
        _api.Reply(HttpMethod.Post, JobRoot, QueryRunning)
            .Reply(HttpMethod.Get, $"{JobRoot}/job_Xk2-9a", ResultsStillRunning)
            .Reply(HttpMethod.Get, $"{JobRoot}/job_Xk2-9a", Answer(UsageSchema,
            [
                ["2026-11-02", null, "0", "0", "12", "0", null, "1"],
                ["2026-11-02", "claude-3-sonnet", "3000", "1000", "4050", "0.042", "200", "2"],
            ], pageToken: "BHLQ2FQ/AAAAAA==", fromQuery: false))
            .Reply(HttpMethod.Get, $"{JobRoot}/job_Xk2-9a", Answer(UsageSchema,
            [
                ["2026-11-03", "gpt-4o", "10", "5", "15", "1.0E-4", "20.5", "1"],
            ], fromQuery: false));

        var rows = await Warehouse().DailyModelUsageAsync(A, Range, CancellationToken.None);

        Assert.Equal(
        [
            new DailyModelUsage(new DateOnly(2026, 11, 2), null, 0, 0, 12, 0m, null, 1),
            new DailyModelUsage(new DateOnly(2026, 11, 2), "claude-3-sonnet", 3000, 1000, 4050, 0.042m, 200, 2),
            new DailyModelUsage(new DateOnly(2026, 11, 3), "gpt-4o", 10, 5, 15, 0.0001m, 20.5, 1),
        ], rows);
        Assert.Equal(4, _api.Requests.Count);
        Assert.Equal(0, _api.RepliesLeft);
        Assert.DoesNotContain("pageToken", _api.Requests[2].Query);
        Assert.Contains("pageToken=BHLQ2FQ%2FAAAAAA%3D%3D", _api.Requests[3].Query);

        var body = _api.Requests[0].Body!;
        var sql = body["query"]!.GetValue<string>();
        Assert.Contains($"FROM `{Project}.{DatasetA}.observability_events`", sql);
        Assert.Contains("DATE(`timestamp`) AS day", sql);
        Assert.Contains("tenant_id = @tenant AND `timestamp` >= @from AND `timestamp` < @to AND category = @category", sql);
        Assert.False(body["useLegacySql"]!.GetValue<bool>());
        Assert.Equal("NAMED", body["parameterMode"]!.GetValue<string>());
        Assert.Equal(["tenant", "from", "to", "category"], body["queryParameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        Assert.Equal("STRING", ParameterType(body, "tenant"));
        Assert.Equal(A.ToString(), ParameterValue(body, "tenant"));
        Assert.Equal("TIMESTAMP", ParameterType(body, "from"));
        Assert.Equal("2026-11-02T00:00:00.000000Z", ParameterValue(body, "from"));
        Assert.Equal("2026-11-04T00:00:00.000000Z", ParameterValue(body, "to"));
        Assert.Equal("ai.operations", ParameterValue(body, "category"));
        // Values travel only as parameters: none is spliced into the text.
        Assert.DoesNotContain(A.ToString(), sql);
        Assert.DoesNotContain("ai.operations", sql);
        Assert.DoesNotContain("2026-11", sql);
    }

    [Fact]
    public async Task BigQuery_latency_uses_APPROX_QUANTILES_and_maps_FLOAT64_cells_including_exponents()
    {
        _api.Reply(HttpMethod.Post, JobRoot, Answer(
            [("event_type", "STRING"), ("events", "INTEGER"), ("p50", "FLOAT"), ("p95", "FLOAT"), ("p99", "FLOAT")],
            [
                ["api.brands_listed", "1", "7", "7", "7"],
                ["api.request_completed", "5", "30", "50", "5.0E1"],
            ]));

        var rows = await Warehouse().LatencyAsync(A, Range, CancellationToken.None);

        Assert.Equal([new RouteLatency("api.brands_listed", 1, 7, 7, 7), new RouteLatency("api.request_completed", 5, 30, 50, 50)], rows);
        var body = _api.Requests[0].Body!;
        var sql = body["query"]!.GetValue<string>();
        Assert.Contains("APPROX_QUANTILES(duration_ms, 100)", sql);
        Assert.Contains("quantiles[OFFSET(50)]", sql);
        Assert.Contains("quantiles[OFFSET(95)]", sql);
        Assert.Contains("quantiles[OFFSET(99)]", sql);
        Assert.Equal("api.lifecycle", ParameterValue(body, "category"));
    }

    [Fact]
    public async Task BigQuery_accuracy_cost_and_errors_map_to_the_DuckDB_row_types()
    {
        _api.Reply(HttpMethod.Post, JobRoot, Answer(
                [("event_type", "STRING"), ("events", "INTEGER"), ("average", "FLOAT"), ("minimum", "FLOAT"), ("maximum", "FLOAT")],
                [["ai.answer_generated", "4", "0.625", "0.25", "1"]]))
            .Reply(HttpMethod.Post, JobRoot, Answer(
                [("day", "DATE"), ("cost_usd", "BIGNUMERIC"), ("events", "INTEGER")],
                [["2026-11-02", "0.047000000001", "3"], ["2026-11-03", "0.0016", "2"]]))
            .Reply(HttpMethod.Post, JobRoot, Answer(
                [("event_type", "STRING"), ("events", "INT64"), ("errors", "INT64")],
                [["ai.answer_generated", "5", "1"], ["api.request_completed", "6", "2"]]));
        var warehouse = Warehouse();

        Assert.Equal([new EventTypeAccuracy("ai.answer_generated", 4, 0.625, 0.25, 1)], await warehouse.AccuracyAsync(A, Range, CancellationToken.None));
        Assert.Equal([(new DateOnly(2026, 11, 2), 0.047000000001m, 3L), (new DateOnly(2026, 11, 3), 0.0016m, 2L)], await warehouse.DailyCostAsync(A, Range, CancellationToken.None));
        Assert.Equal(
            [new EventTypeErrorRate("ai.answer_generated", 5, 1), new EventTypeErrorRate("api.request_completed", 6, 2)],
            await warehouse.ErrorRatesAsync(A, Range, CancellationToken.None));

        Assert.Contains("accuracy_score IS NOT NULL", _api.Requests[0].Body!["query"]!.GetValue<string>());
        // Spend is billed AI usage: only AI events' costs are summed (a cost alert's level of spend is not spend).
        Assert.Contains("DATE(`timestamp`) AS day", _api.Requests[1].Body!["query"]!.GetValue<string>());
        Assert.Contains("category = @category AND cost_usd IS NOT NULL", _api.Requests[1].Body!["query"]!.GetValue<string>());
        Assert.Equal("ai.operations", ParameterValue(_api.Requests[1].Body!, "category"));
        var errors = _api.Requests[2].Body!;
        Assert.Contains("COUNTIF(status = @failure OR severity = @error OR severity = @critical)", errors["query"]!.GetValue<string>());
        Assert.Equal("failure", ParameterValue(errors, "failure"));
        Assert.Equal("error", ParameterValue(errors, "error"));
        Assert.Equal("critical", ParameterValue(errors, "critical"));
    }

    [Fact]
    public async Task BigQuery_tenant_A_reports_never_name_tenant_B_dataset_or_id()
    {
        var warehouse = Warehouse();
        foreach (var tenant in new[] { A, B })
        {
            for (var i = 0; i < 5; i++)
            {
                _api.Reply(HttpMethod.Post, JobRoot, Answer([("event_type", "STRING")], []));
            }

            await warehouse.DailyModelUsageAsync(tenant, Range, CancellationToken.None);
            await warehouse.AccuracyAsync(tenant, Range, CancellationToken.None);
            await warehouse.LatencyAsync(tenant, Range, CancellationToken.None);
            await warehouse.DailyCostAsync(tenant, Range, CancellationToken.None);
            await warehouse.ErrorRatesAsync(tenant, Range, CancellationToken.None);
        }

        Assert.Equal(10, _api.Requests.Count);
        foreach (var (request, tenant, own, other) in _api.Requests.Select((r, i) => i < 5 ? (r, A, DatasetA, DatasetB) : (r, B, DatasetB, DatasetA)))
        {
            var body = request.Body!;
            var sql = body["query"]!.GetValue<string>();
            Assert.Contains($"`{Project}.{own}.observability_events`", sql);
            Assert.DoesNotContain(other, body.ToJsonString());
            Assert.Equal(tenant.ToString(), ParameterValue(body, "tenant"));
        }
    }

    [Fact]
    public async Task BigQuery_dataset_not_created_yet_answers_no_rows_but_a_missing_project_is_an_error()
    {
        var message = $"Not found: Dataset {Project}:{DatasetA} was not found in location US";
        _api.Reply(HttpMethod.Post, JobRoot, HttpStatusCode.NotFound, Error(404, "notFound", "NOT_FOUND", message))
            .Reply(HttpMethod.Post, JobRoot, HttpStatusCode.NotFound, Error(404, "notFound", "NOT_FOUND", $"Not found: Table {Project}:{DatasetA}.observability_events was not found in location US"))
            .Reply(HttpMethod.Post, JobRoot, HttpStatusCode.NotFound, Error(404, "notFound", "NOT_FOUND", $"Not found: Project {Project}"));
        var warehouse = Warehouse();

        Assert.Empty(await warehouse.DailyModelUsageAsync(A, Range, CancellationToken.None));
        Assert.Empty(await warehouse.ErrorRatesAsync(A, Range, CancellationToken.None));
        var failure = await Assert.ThrowsAsync<BigQueryException>(() => warehouse.LatencyAsync(A, Range, CancellationToken.None));
        Assert.Equal("notFound", failure.Reason);
        Assert.Equal(3, _api.Requests.Count);   // a 404 is not retried
    }

    [Fact]
    public async Task BigQuery_cells_are_converted_by_their_schema_type_and_a_mismatch_is_refused()
    {
        _api.Reply(HttpMethod.Post, JobRoot, Answer(
            [("event_type", "STRING"), ("events", "INTEGER"), ("p50", "FLOAT"), ("p95", "FLOAT64"), ("p99", "FLOAT")],
            [["api.x", "-3", "NaN", "Infinity", "-Infinity"]]));
        _api.Reply(HttpMethod.Post, JobRoot, Answer(
            [("event_type", "STRING"), ("events", "FLOAT"), ("errors", "INTEGER")],
            [["api.x", "1.5", "1"]]));
        _api.Reply(HttpMethod.Post, JobRoot, Answer(
            [("event_type", "STRING"), ("events", "INTEGER"), ("errors", "INTEGER")],
            [[null, "1", "1"]]));
        var warehouse = Warehouse();

        var latency = Assert.Single(await warehouse.LatencyAsync(A, Range, CancellationToken.None));
        Assert.Equal(-3, latency.Count);
        Assert.True(double.IsNaN(latency.P50Ms));
        Assert.Equal(double.PositiveInfinity, latency.P95Ms);
        Assert.Equal(double.NegativeInfinity, latency.P99Ms);
        var mismatch = await Assert.ThrowsAsync<FormatException>(() => warehouse.ErrorRatesAsync(A, Range, CancellationToken.None));
        Assert.Contains("'events' is FLOAT, not INT64", mismatch.Message);
        var nullKey = await Assert.ThrowsAsync<FormatException>(() => warehouse.ErrorRatesAsync(A, Range, CancellationToken.None));
        Assert.Contains("NULL in the non-null column 'event_type'", nullKey.Message);
    }

    [Fact]
    public async Task BigQuery_answers_through_TenantAnalytics_like_DuckDB_rows_no_events_and_unknown_tenant()
    {
        await TestDatabase.EnsureCreatedAsync();
        await using var application = TestDatabase.CreateDataSource(TestDatabase.Application);
        var database = new TenantDatabase(application, TestDatabase.TenantContext);
        var tenant = TenantId.New();
        await database.RunAsync(tenant, async session =>
        {
            await using var insert = session.Command("insert into tenants (id, name, daily_cost_threshold_usd) values ($1, $2, $3)").Bind("BigQuery analytics").Bind(0.04m);
            await insert.ExecuteNonQueryAsync();
        });
        var analytics = new TenantAnalytics(Warehouse(), database, Options.Create(new AnalyticsOptions()));
        _api.Reply(HttpMethod.Post, JobRoot, Answer([("day", "DATE"), ("cost_usd", "NUMERIC"), ("events", "INTEGER")], [["2026-11-02", "0.047", "3"]]))
            .Reply(HttpMethod.Post, JobRoot, HttpStatusCode.NotFound,
                Error(404, "notFound", "NOT_FOUND", $"Not found: Dataset {Project}:{BigQueryIdentifiers.DatasetOf("tenant_", tenant)} was not found in location US"));

        var cost = await analytics.DailyCostAsync(tenant, Range);
        var none = await analytics.AccuracyAsync(tenant, Range);
        var unknown = await analytics.LatencyAsync(TenantId.New(), Range);

        Assert.Equal(AnalyticsOutcome.Rows, cost.Outcome);
        Assert.Equal([new DailyCost(new DateOnly(2026, 11, 2), 0.047m, 0.04m, 3)], cost.Rows);
        Assert.Equal(AnalyticsOutcome.NoEvents, none.Outcome);
        Assert.Empty(none.Rows);
        Assert.Equal(AnalyticsOutcome.UnknownTenant, unknown.Outcome);
        Assert.Equal(2, _api.Requests.Count);   // the unknown tenant never reaches BigQuery
    }

    [Fact]
    public void BigQuery_warehouse_selection_registers_the_BigQuery_dialect_for_analytics()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PulsePoint:Destinations:Warehouse"] = "BigQuery",
            ["PulsePoint:Destinations:BigQuery:ProjectId"] = "pulsepoint-prod",
        }).Build();
        // Analytics alone (the report verb) and after the destination adapters (the silo) both get one query client.
        using var alone = new ServiceCollection().AddLogging().AddPulsePointAnalytics(configuration).BuildServiceProvider();
        var services = new ServiceCollection().AddLogging().AddPulsePointDestinationAdapters(configuration).AddPulsePointAnalytics(configuration);
        using var both = services.BuildServiceProvider();

        Assert.IsType<BigQueryAnalyticsWarehouse>(alone.GetRequiredService<IAnalyticsWarehouse>());
        Assert.IsType<BigQueryAnalyticsWarehouse>(both.GetRequiredService<IAnalyticsWarehouse>());
        Assert.Single(services, d => d.ServiceType == typeof(BigQueryQueryClient));
    }
}
