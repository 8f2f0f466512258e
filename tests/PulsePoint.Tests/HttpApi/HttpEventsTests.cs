using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.HttpApi;

/// <summary>
/// <c>POST /v1/events</c> on the real silo web host and real PostgreSQL: one result per event, idempotent by event id,
/// bad items rejected alone with the field named, and the body limits answered with problem details.
/// </summary>
[Collection(HttpSiloCollection.Name)]
public sealed class HttpEventsTests(HttpSiloFixture silo)
{
    [Fact]
    public async Task HttpEvents_a_batch_is_stored_and_a_retry_is_already_stored_with_one_row_and_one_bill_each()
    {
        var tenant = await silo.CreateTenantAsync();
        using var http = silo.Client(await silo.CreateKeyAsync(tenant));
        var ai = Guid.CreateVersion7();
        var api = Guid.CreateVersion7();
        var batch = Batch(
            Event(ai, "ai.operations", "ai.answer_generated", ("ai_model", "claude-3-sonnet"), ("tokens_input", 1200), ("tokens_output", 300),
                ("tokens_cache_read", 100), ("duration_ms", 812.5), ("accuracy_score", 0.9), ("attributes", new JsonObject { ["gen_ai.conversation.id"] = "c-1" })),
            Event(api, "api.lifecycle", "api.request_completed", ("duration_ms", 12), ("severity", "warning"), ("status", "failure"), ("error_code", "http_404")));

        var first = await http.PostAsync("/v1/events", batch);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = await first.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(2, (int)body!["stored"]!);
        Assert.Equal(["stored", "stored"], body["results"]!.AsArray().Select(r => (string)r!["outcome"]!));
        Assert.Equal(ai, (Guid)body["results"]![0]!["event_id"]!);

        var retry = await http.PostAsync("/v1/events", batch);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var again = await retry.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(["already_stored", "already_stored"], again!["results"]!.AsArray().Select(r => (string)r!["outcome"]!));

        Assert.Equal(2, await silo.CountEventsAsync(tenant, [ai, api]));
        var (input, cacheRead, model, attributes) = await silo.QueryAsync(
            "select tokens_input, tokens_cache_read, ai_model, attributes::text from observability_events where tenant_id = $1 and event_id = $2",
            async r => { await r.ReadAsync(); return (r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3)); }, tenant.Value, ai);
        Assert.Equal((1200L, 100L, "claude-3-sonnet"), (input, cacheRead, model));
        Assert.Contains("c-1", attributes);
        var bills = await silo.QueryAsync("select count(*) from ai_token_usage where tenant_id = $1 and event_id = $2",
            async r => { await r.ReadAsync(); return r.GetInt64(0); }, tenant.Value, ai);
        Assert.Equal(1, bills);
    }

    [Fact]
    public async Task HttpEvents_an_event_is_billed_to_the_key_it_was_sent_with_whatever_its_body_says()
    {
        var tenant = await silo.CreateTenantAsync();
        var key = await silo.CreateKeyAsync(tenant);
        using var http = silo.Client(key);
        var ai = Guid.CreateVersion7();

        var response = await http.PostAsync("/v1/events", Batch(
            Event(ai, "ai.operations", "ai.answer_generated", ("ai_model", "claude-3-sonnet"), ("tokens_input", 1000), ("user_id", "u-7"),
                ("attributes", new JsonObject { ["api_key_id"] = "pp_live_someoneelse", ["feature"] = "summarize" }))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var (user, keyId, feature, attribute) = await silo.QueryAsync(
            "select u.user_id, u.api_key_id, u.feature, e.attributes ->> 'api_key_id' from ai_token_usage u join observability_events e using (tenant_id, event_id) where u.tenant_id = $1 and u.event_id = $2",
            async r => { await r.ReadAsync(); return (r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)); }, tenant.Value, ai);
        Assert.Equal(("u-7", "summarize"), (user, feature));
        Assert.StartsWith("pp_live_", keyId);
        Assert.StartsWith(keyId, key);
        Assert.Equal(keyId, attribute);
    }

    [Fact]
    public async Task HttpEvents_a_bad_item_is_rejected_alone_with_its_field_named_and_the_batch_answers_207()
    {
        var tenant = await silo.CreateTenantAsync();
        using var http = silo.Client(await silo.CreateKeyAsync(tenant));
        var good = Guid.CreateVersion7();
        var badAccuracy = Guid.CreateVersion7();
        var response = await http.PostAsync("/v1/events", Batch(
            Event(good, "user.interaction", "user.action"),
            Event(badAccuracy, "ai.operations", "ai.answer_generated", ("accuracy_score", 1.5)),
            new JsonObject { ["category"] = "system", ["event_type"] = "system.error" },
            Event(Guid.CreateVersion7(), "system", "system.error", ("tokens_in", 5)),
            JsonValue.Create(42)));

        Assert.Equal(HttpStatusCode.MultiStatus, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<JsonObject>())!["results"]!.AsArray();
        Assert.Equal(["stored", "rejected", "rejected", "rejected", "rejected"], results.Select(r => (string)r!["outcome"]!));
        Assert.Equal(["accuracy_score", "event_id", "tokens_in", "event"], results.Skip(1).Select(r => (string)r!["field"]!));
        Assert.StartsWith("accuracy_score must be between 0 and 1", (string)results[1]!["error"]!);
        Assert.Equal(badAccuracy, (Guid)results[1]!["event_id"]!);
        Assert.Equal(Enumerable.Range(0, 5), results.Select(r => (int)r!["index"]!));
        Assert.Equal(1, await silo.CountEventsAsync(tenant, [good, badAccuracy]));
    }

    [Fact]
    public async Task HttpEvents_the_same_event_id_twice_in_one_batch_is_stored_once()
    {
        var tenant = await silo.CreateTenantAsync();
        using var http = silo.Client(await silo.CreateKeyAsync(tenant));
        var id = Guid.CreateVersion7();
        var e = Event(id, "ai.operations", "ai.answer_generated", ("ai_model", "gpt-4o"), ("tokens_input", 10), ("tokens_output", 5));

        var response = await http.PostAsync("/v1/events", Batch(e, e.DeepClone()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcomes = (await response.Content.ReadFromJsonAsync<JsonObject>())!["results"]!.AsArray().Select(r => (string)r!["outcome"]!).ToList();
        Assert.Equal(["stored", "already_stored"], outcomes);
        Assert.Equal(1, await silo.CountEventsAsync(tenant, [id]));
    }

    [Fact]
    public async Task HttpEvents_limits_and_malformed_bodies_are_answered_with_problem_details()
    {
        var tenant = await silo.CreateTenantAsync();
        using var http = silo.Client(await silo.CreateKeyAsync(tenant));

        var tooMany = Batch(Enumerable.Range(0, HttpSiloFixture.MaxEventsPerRequest + 1).Select(_ => (JsonNode)Event(Guid.NewGuid(), "user.interaction", "user.action")).ToArray());
        await AssertProblemAsync(await http.PostAsync("/v1/events", tooMany), HttpStatusCode.BadRequest, "Wrong number of events");
        await AssertProblemAsync(await http.PostAsync("/v1/events", Batch()), HttpStatusCode.BadRequest, "Wrong number of events");

        var huge = new StringContent("{\"events\":[" + new string(' ', HttpSiloFixture.MaxRequestBodyBytes) + "]}", Encoding.UTF8, "application/json");
        await AssertProblemAsync(await http.PostAsync("/v1/events", huge), HttpStatusCode.RequestEntityTooLarge, "Request body too large");

        // A small gzip body that expands past the limit is refused too, without being held whole.
        await AssertProblemAsync(await http.PostAsync("/v1/events", Gzip(new string(' ', HttpSiloFixture.MaxRequestBodyBytes * 4))), HttpStatusCode.RequestEntityTooLarge, "Request body too large");

        await AssertProblemAsync(await http.PostAsync("/v1/events", new StringContent("{\"events\": [", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "Malformed JSON");
        await AssertProblemAsync(await http.PostAsync("/v1/events", new StringContent("[]", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "Not an event batch");
        await AssertProblemAsync(await http.PostAsync("/v1/events", new StringContent("{}", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "JSON expected");

        // gzip itself is accepted.
        var id = Guid.CreateVersion7();
        var zipped = await http.PostAsync("/v1/events", Gzip(await Batch(Event(id, "user.interaction", "user.action")).ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, zipped.StatusCode);
        Assert.Equal(1, await silo.CountEventsAsync(tenant, [id]));
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(title, (string?)problem!["title"]);
        Assert.Equal((int)status, (int)problem["status"]!);
    }

    internal static StringContent Batch(params JsonNode[] events) =>
        new(new JsonObject { ["events"] = new JsonArray(events) }.ToJsonString(), Encoding.UTF8, "application/json");

    internal static JsonObject Event(Guid id, string category, string type, params (string Name, object Value)[] fields)
    {
        var e = new JsonObject
        {
            ["event_id"] = id.ToString(),
            ["category"] = category,
            ["event_type"] = type,
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
        };
        foreach (var (name, value) in fields)
        {
            e[name] = value is JsonNode node ? node : JsonValue.Create(value);
        }

        return e;
    }

    private static ByteArrayContent Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }
}
