using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Microsoft.Extensions.AI;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PulsePoint.Client;
using PulsePoint.Silo.HttpApi.Otlp;
using PulsePoint.Silo.HttpApi.Otlp.Wire;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.HttpApi;

/// <summary>
/// <c>POST /v1/traces</c> with clients nobody here wrote: the OpenTelemetry .NET SDK's OTLP exporter (http/protobuf)
/// exporting the GenAI spans of Microsoft.Extensions.AI's <c>UseOpenTelemetry()</c> chat client; and OTLP/JSON written
/// by hand to the specification with HttpClient (the .NET exporter has no JSON protocol). Real silo host, real PostgreSQL.
/// </summary>
[Collection(HttpSiloCollection.Name)]
public sealed class OtlpTraceTests(HttpSiloFixture silo)
{
    [Fact]
    public async Task Otlp_exporter_over_http_protobuf_stores_chat_spans_as_ai_events_billing_cached_tokens_once()
    {
        var tenant = await silo.CreateTenantAsync();
        var key = await silo.CreateKeyAsync(tenant);
        var source = "pulsepoint.tests.otlp." + Guid.NewGuid().ToString("N");
        var ended = new List<Activity>();
        using (var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(source)
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("otlp-test-service"))
            .AddProcessor(new Capture(ended))
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(silo.Address, "/v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Headers = "Authorization=Bearer " + key;
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            // OpenAI-style usage: 1,200 input tokens of which 200 came from the prompt cache; 300 output, 50 of them reasoning.
            var usage = new UsageDetails { InputTokenCount = 1200, OutputTokenCount = 300, CachedInputTokenCount = 200, ReasoningTokenCount = 50 };
            using var chat = new FakeChatClient(usage, "gpt-4o-2024-08-06").AsBuilder().UseOpenTelemetry(sourceName: source).Build();
            await chat.GetResponseAsync("What is 2 + 2?", new ChatOptions { ModelId = "gpt-4o", ConversationId = "conv-42" });

            // An HTTP server span and a tool span from the same process: the first is an API event, the second is ignored.
            using var activities = new ActivitySource(source);
            using (var server = activities.StartActivity("GET /api/brands/{brandId}", ActivityKind.Server))
            {
                server!.SetTag("http.request.method", "GET").SetTag("http.route", "/api/brands/{brandId}").SetTag("http.response.status_code", 404);
            }

            using (var tool = activities.StartActivity("execute_tool lookup", ActivityKind.Internal))
            {
                tool!.SetTag("gen_ai.operation.name", "execute_tool").SetTag("gen_ai.tool.name", "lookup");
            }

            Assert.True(tracing.ForceFlush(10_000));
        }

        var chatSpan = ended.Single(a => a.GetTagItem("gen_ai.operation.name") as string == "chat");
        var serverSpan = ended.Single(a => a.Kind == ActivityKind.Server);
        var toolSpan = ended.Single(a => a.GetTagItem("gen_ai.operation.name") as string == "execute_tool");
        var aiId = EventId(chatSpan);
        var row = await silo.QueryAsync(
            """
            select category, event_type, ai_model, tokens_input, tokens_output, tokens_cache_read, tokens_cache_write, request_id,
                   duration_ms, attributes::text, status
              from observability_events where tenant_id = $1 and event_id = $2
            """,
            async r =>
            {
                Assert.True(await r.ReadAsync(), "the chat span's event is stored");
                return (Category: r.GetString(0), Type: r.GetString(1), Model: r.GetString(2), Input: r.GetInt64(3), Output: r.GetInt64(4),
                    CacheRead: r.GetInt64(5), CacheWrite: r.IsDBNull(6) ? (long?)null : r.GetInt64(6), RequestId: r.GetString(7),
                    Duration: r.GetDouble(8), Attributes: r.GetString(9), Status: r.GetString(10));
            }, tenant.Value, aiId);
        Assert.Equal(("ai.operations", "ai.chat", "gpt-4o"), (row.Category, row.Type, row.Model));
        // OTel's 1,200 input tokens include the 200 cache reads: billed as 1,000 input + 200 cache-read, never 1,400.
        Assert.Equal((1000L, 300L, 200L, (long?)null), (row.Input, row.Output, row.CacheRead, row.CacheWrite));
        Assert.Equal(chatSpan.TraceId.ToHexString(), row.RequestId);
        Assert.Equal(chatSpan.Duration.TotalMilliseconds, row.Duration, 3);
        Assert.Equal("success", row.Status);
        foreach (var kept in new[] { "\"gen_ai.provider.name\": \"fake-provider\"", "\"gen_ai.conversation.id\": \"conv-42\"", "\"gen_ai.response.model\": \"gpt-4o-2024-08-06\"",
            "\"gen_ai.usage.reasoning.output_tokens\": \"50\"", "\"gen_ai.usage.input_tokens\": \"1200\"", "\"service.name\": \"otlp-test-service\"" })
        {
            Assert.Contains(kept, row.Attributes);
        }

        var bill = await silo.QueryAsync(
            "select input_tokens, cache_read_tokens, output_tokens, unpriced from ai_token_usage where tenant_id = $1 and event_id = $2",
            async r => { Assert.True(await r.ReadAsync()); return (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetBoolean(3)); }, tenant.Value, aiId);
        Assert.Equal((1000L, 200L, 300L, false), bill);
        // gen_ai.usage.reasoning.output_tokens is a part of the output tokens: carried as such, priced at gpt-4o's output rate.
        Assert.Equal(50L, await silo.QueryAsync("select reasoning_tokens from ai_token_usage where tenant_id = $1 and event_id = $2",
            async r => { Assert.True(await r.ReadAsync()); return r.GetInt64(0); }, tenant.Value, aiId));

        var api = await silo.QueryAsync(
            "select category, event_type, error_code, severity from observability_events where tenant_id = $1 and event_id = $2",
            async r => { Assert.True(await r.ReadAsync(), "the server span's event is stored"); return (r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)); },
            tenant.Value, EventId(serverSpan));
        Assert.Equal(("api.lifecycle", ApiRouteEventTypes.Of("GET", "/api/brands/{brandId}"), "http_404", "warning"), api);
        Assert.Equal(0, await silo.CountEventsAsync(tenant, [EventId(toolSpan)]));
    }

    [Fact]
    public async Task Otlp_json_written_to_the_specification_is_stored_and_a_resent_export_is_stored_once()
    {
        var tenant = await silo.CreateTenantAsync();
        using var http = silo.Client(await silo.CreateKeyAsync(tenant));
        var traceId = RandomHex(16);
        var (ai, http500) = (RandomHex(8), RandomHex(8));
        var end = DateTimeOffset.UtcNow;
        var export = Json(
            Span(traceId, ai, 2, end, 1500,
                ("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "anthropic"), ("gen_ai.request.model", "claude-3-5-sonnet"),
                ("gen_ai.usage.input_tokens", 5000L), ("gen_ai.usage.cache_read.input_tokens", 3000L), ("gen_ai.usage.cache_creation.input_tokens", 1500L),
                ("gen_ai.usage.output_tokens", 700L)),
            Span(traceId, http500, 2, end, 20, ("http.request.method", "POST"), ("http.route", "/v1/answers"), ("http.response.status_code", 500L)));

        foreach (var attempt in new[] { 1, 2 })
        {
            var response = await http.PostAsync("/v1/traces", export);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            // An ExportTraceServiceResponse without partial_success: every span was taken.
            Assert.Empty((await response.Content.ReadFromJsonAsync<JsonObject>())!);
        }

        var aiId = OtlpSpanMapper.EventIdOf(Convert.FromHexString(traceId), Convert.FromHexString(ai));
        var tokens = await silo.QueryAsync(
            "select tokens_input, tokens_cache_read, tokens_cache_write, tokens_output from observability_events where tenant_id = $1 and event_id = $2",
            async r => { Assert.True(await r.ReadAsync()); return (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)); }, tenant.Value, aiId);
        Assert.Equal((500L, 3000L, 1500L, 700L), tokens);
        var serverId = OtlpSpanMapper.EventIdOf(Convert.FromHexString(traceId), Convert.FromHexString(http500));
        Assert.Equal(2, await silo.CountEventsAsync(tenant, [aiId, serverId]));
        var bills = await silo.QueryAsync("select count(*) from ai_token_usage where tenant_id = $1", async r => { await r.ReadAsync(); return r.GetInt64(0); }, tenant.Value);
        Assert.Equal(1, bills);
    }

    [Fact]
    public async Task Otlp_partial_success_names_each_rejected_span_in_both_encodings_and_stores_the_rest()
    {
        var tenant = await silo.CreateTenantAsync();
        using var http = silo.Client(await silo.CreateKeyAsync(tenant));
        var traceId = RandomHex(16);
        var (good, cacheOverInput, noModel) = (RandomHex(8), RandomHex(8), RandomHex(8));
        var end = DateTimeOffset.UtcNow;
        var spans = new[]
        {
            Span(traceId, good, 3, end, 100, ("gen_ai.operation.name", "embeddings"), ("gen_ai.request.model", "gpt-4o-mini"), ("gen_ai.usage.input_tokens", 64L)),
            Span(traceId, cacheOverInput, 3, end, 100, ("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "gpt-4o"),
                ("gen_ai.usage.input_tokens", 100L), ("gen_ai.usage.cache_read.input_tokens", 150L)),
            Span(traceId, noModel, 3, end, 100, ("gen_ai.operation.name", "chat"), ("gen_ai.usage.input_tokens", 10L)),
        };

        var response = await http.PostAsync("/v1/traces", Json(spans));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var partial = (await response.Content.ReadFromJsonAsync<JsonObject>())!["partialSuccess"]!;
        Assert.Equal("2", partial["rejectedSpans"]!.ToString());
        var message = (string)partial["errorMessage"]!;
        Assert.Contains($"span {cacheOverInput}: gen_ai.usage.input_tokens (100) is less than", message);
        Assert.Contains($"span {noModel}: gen_ai.request.model", message);
        Assert.Equal(1, await silo.CountEventsAsync(tenant, [Id(traceId, good), Id(traceId, cacheOverInput), Id(traceId, noModel)]));

        // The same export as protobuf gets the same answer, as protobuf.
        var request = OtlpJson.Parse(Encoding.UTF8.GetBytes(await Json(spans).ReadAsStringAsync()));
        var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        var binary = await http.PostAsync("/v1/traces", content);
        Assert.Equal(HttpStatusCode.OK, binary.StatusCode);
        Assert.Equal("application/x-protobuf", binary.Content.Headers.ContentType?.MediaType);
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await binary.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, answer.PartialSuccess.RejectedSpans);
        Assert.Contains(cacheOverInput, answer.PartialSuccess.ErrorMessage);
    }

    internal static Guid Id(string traceHex, string spanHex) => OtlpSpanMapper.EventIdOf(Convert.FromHexString(traceHex), Convert.FromHexString(spanHex));

    internal static string RandomHex(int bytes) => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(bytes));

    /// <summary>One span in OTLP/JSON: hex ids, camelCase names, 64-bit integers as strings, enums as numbers.</summary>
    internal static JsonObject Span(string traceId, string spanId, int kind, DateTimeOffset end, int milliseconds, params (string Key, object Value)[] attributes)
    {
        var endNanos = (end.ToUnixTimeMilliseconds() * 1_000_000L).ToString();
        var startNanos = ((end.ToUnixTimeMilliseconds() - milliseconds) * 1_000_000L).ToString();
        return new JsonObject
        {
            ["traceId"] = traceId,
            ["spanId"] = spanId,
            ["name"] = "span",
            ["kind"] = kind,
            ["startTimeUnixNano"] = startNanos,
            ["endTimeUnixNano"] = endNanos,
            ["attributes"] = new JsonArray(attributes.Select(a => (JsonNode)new JsonObject
            {
                ["key"] = a.Key,
                ["value"] = a.Value is long n ? new JsonObject { ["intValue"] = n.ToString() } : new JsonObject { ["stringValue"] = (string)a.Value },
            }).ToArray()),
            ["status"] = new JsonObject(),
        };
    }

    internal static StringContent Json(params JsonObject[] spans) => Json(null, spans);

    internal static StringContent Json(IEnumerable<(string Key, string Value)>? resource, params JsonObject[] spans) => new(new JsonObject
    {
        ["resourceSpans"] = new JsonArray(new JsonObject
        {
            ["resource"] = new JsonObject
            {
                ["attributes"] = new JsonArray((resource ?? [("service.name", "json-test")]).Select(a => (JsonNode)new JsonObject
                {
                    ["key"] = a.Key,
                    ["value"] = new JsonObject { ["stringValue"] = a.Value },
                }).ToArray()),
            },
            ["scopeSpans"] = new JsonArray(new JsonObject
            {
                ["scope"] = new JsonObject { ["name"] = "handwritten" },
                ["spans"] = new JsonArray(spans.Select(s => (JsonNode)s.DeepClone()).ToArray()),
            }),
        }),
    }.ToJsonString(), Encoding.UTF8, "application/json");

    private static Guid EventId(Activity span)
    {
        Span<byte> trace = stackalloc byte[16];
        Span<byte> id = stackalloc byte[8];
        span.TraceId.CopyTo(trace);
        span.SpanId.CopyTo(id);
        return OtlpSpanMapper.EventIdOf(trace, id);
    }

    private sealed class Capture(List<Activity> ended) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            lock (ended)
            {
                ended.Add(data);
            }
        }
    }
}
