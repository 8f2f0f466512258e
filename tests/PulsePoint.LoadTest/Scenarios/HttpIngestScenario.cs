using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PulsePoint.ApiKeys;
using PulsePoint.Client;
using PulsePoint.Destinations;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.LoadTest.Scenarios;

/// <summary>
/// HTTP ingest: one operation posts a batch of one tenant's events to <c>POST /v1/events</c> on the in-process silo's web
/// host with that tenant's API key (key check in grain memory, JSON parse, per-key limits, then the same sink path) and
/// returns when they are committed. The baseline is the Orleans client path, <c>EventTracker.TrackBatchAsync</c> of the same
/// number of events of the same shape (what the <c>ingest</c> scenario measures), in the same run, so the ratio is HTTP's
/// share of the client path's events/s. Events per operation: PULSEPOINT_INGEST_BATCH (default 50), both phases.
/// </summary>
public sealed class HttpIngestScenario : Scenario
{
    private readonly int _batch = int.TryParse(Environment.GetEnvironmentVariable("PULSEPOINT_INGEST_BATCH"), out var b) && b > 0 ? b : 50;
    private readonly Dictionary<TenantId, string> _keys = [];
    private HttpClient? _http;
    private EventTracker? _tracker;

    public override string Name => "http-ingest";

    public override string Description => $"POST /v1/events of {_batch} events with the tenant's API key (HTTP → key grain → EventSinkGrain → PostgreSQL)";

    public override string? Baseline => $"the Orleans client path: EventTracker.TrackBatchAsync of the same {_batch} events";

    public override bool NeedsInProcess => true;

    public override async Task SetupAsync(LoadContext context, CancellationToken cancellationToken)
    {
        var silo = context.SiloServices ?? throw new InvalidOperationException("http-ingest needs --in-process");
        var store = silo.GetRequiredService<ApiKeyStore>();
        foreach (var tenant in context.Tenants)
        {
            var grain = context.Client.GetGrain<ITenantAdminGrain>(tenant.Value);
            await grain.CreateAsync("load tenant");
            await grain.ActivateAsync();

            _keys[tenant] = (await store.CreateTenantKeyAsync(tenant, ApiKeyScopes.Ingest, "load", DateTimeOffset.UtcNow.AddDays(1), cancellationToken)).Key;
        }

        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = context.Options.Concurrency * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = context.SiloWebAddress,
        };
        _tracker = new EventTracker(context.Client);
    }

    public override async Task RunOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        var tenant = context.PickTenant(random);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = new ByteArrayContent(Body(Events(tenant))) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _keys[tenant]);
        using var response = await _http!.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"POST /v1/events answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    public override async Task RunBaselineOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        var tenant = context.PickTenant(random);
        var results = await _tracker!.TrackBatchAsync(tenant, Events(tenant), cancellationToken);
        if (results.Any(r => r.Outcome != EventAppendOutcome.Stored))
        {
            throw new InvalidOperationException("an event was not stored");
        }
    }

    public override Task<IReadOnlyDictionary<string, double>> ExtraFiguresAsync(LoadContext context, long operations, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, double>>(new Dictionary<string, double> { ["events_per_operation"] = _batch });

    /// <summary>The request body: the events in the API's snake_case shape, as <see cref="EventJson"/> writes them.</summary>
    private static byte[] Body(IReadOnlyList<StructuredEvent> events)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("events");
            foreach (var e in events)
            {
                EventJson.Write(json, e);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private StructuredEvent[] Events(TenantId tenant) =>
        AnswerBatch.Create(tenant, _batch, "load", "load-user", costUsd: 0.0124m, accuracy: 0.92);
}
