using System.Diagnostics;
using System.Net;
using OpenTelemetry;
using OpenTelemetry.Trace;
using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Tests.Isolation;

namespace PulsePoint.Tests.HttpApi;

/// <summary>
/// W3C trace context from a backend to PulsePoint's spans: a real OpenTelemetry SDK <see cref="TracerProvider"/> in this
/// process, exporting to memory, listens to PulsePoint's and Orleans' activity sources, and a backend's trace — an HTTP
/// request with <c>traceparent</c>, or a client call inside the backend's own span — must contain the grain calls and
/// the event sink's flush (its parent, or one of its links when another caller's append opened the flush).
/// </summary>
[Collection(HttpSiloCollection.Name)]
public sealed class TraceContextTests(HttpSiloFixture silo, BackendServiceFixture backend) : IClassFixture<BackendServiceFixture>
{
    private static readonly ActivitySource Backend = new("PulsePoint.Tests.Backend");

    [Fact]
    public async Task Trace_an_http_batch_with_traceparent_shows_pulsepoint_grain_calls_and_its_flush_in_the_callers_trace()
    {
        using var tracing = Capture(out var spans);
        var tenant = await silo.CreateTenantAsync();
        using var http = silo.Client(await silo.CreateKeyAsync(tenant));
        var trace = ActivityTraceId.CreateRandom();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events")
        {
            Content = HttpEventsTests.Batch(HttpEventsTests.Event(Guid.CreateVersion7(), "user.interaction", "user.action")),
        };
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");

        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);

        var mine = await InTraceAsync(tracing, spans, trace);
        Assert.Contains(mine, s => s.Source.Name == "Microsoft.AspNetCore");
        Assert.Contains(mine, s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Trace_a_client_call_inside_the_backends_span_carries_its_trace_through_the_grain_to_the_flush()
    {
        using var tracing = Capture(out var spans);
        var tenant = await silo.CreateTenantAsync();
        ActivityTraceId trace;
        using (var request = Backend.StartActivity("backend request", ActivityKind.Server))
        {
            Assert.NotNull(request);
            trace = request.TraceId;
            using (TenantScope.Begin(tenant))
            {
                await new EventTracker(backend.Grains).TrackUserInteractionAsync();
            }
        }

        var mine = await InTraceAsync(tracing, spans, trace);
        // The client's call and the grain's side of it, both in the backend's trace.
        Assert.Contains(mine, s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && s.Kind == ActivityKind.Client);
        Assert.Contains(mine, s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && s.Kind == ActivityKind.Server);
    }

    private static TracerProvider Capture(out List<Activity> spans)
    {
        spans = [];
        return Sdk.CreateTracerProviderBuilder()
            .AddSource(EventTracing.SourceName, "Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime", "Microsoft.AspNetCore", Backend.Name)
            .AddInMemoryExporter(spans)
            .Build()!;
    }

    /// <summary>The spans of <paramref name="trace"/>, once the flush that committed its events is among them (parent or link).</summary>
    private static async Task<List<Activity>> InTraceAsync(TracerProvider tracing, List<Activity> spans, ActivityTraceId trace)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            tracing.ForceFlush();
            Activity[] all;
            try
            {
                all = [.. spans];
            }
            catch (ArgumentException)
            {
                continue; // the exporter added a span while the list was copied
            }

            var mine = all.Where(s => s.TraceId == trace).ToList();
            var flush = all.Any(s => s.OperationName == "pulsepoint.events.flush"
                && (s.TraceId == trace || s.Links.Any(l => l.Context.TraceId == trace)));
            if (flush)
            {
                return mine;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"no pulsepoint.events.flush span in or linked to trace {trace}; its spans: {string.Join(", ", mine.Select(s => $"{s.Source.Name}/{s.OperationName}"))}");
            await Task.Delay(100);
        }
    }
}
