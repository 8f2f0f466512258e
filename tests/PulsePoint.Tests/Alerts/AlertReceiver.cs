using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PulsePoint.Tests.Alerts;

/// <summary>
/// A real HTTP server (Kestrel on a loopback port) standing in for a tenant's webhook endpoint and for Slack:
/// records every request (path, headers, raw body, arrival time) and answers what a test scripts per path:
/// 200 by default, a number of 500s first, or no answer at all (a hung endpoint).
/// </summary>
public sealed class AlertReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new();
    private readonly ConcurrentDictionary<string, bool> _hang = new();

    public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At)
    {
        public string Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : "";
    }

    private AlertReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public static async Task<AlertReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var receiver = new AlertReceiver(builder.Build());
        receiver._app.Run(receiver.HandleAsync);
        await receiver._app.StartAsync();
        receiver.BaseUrl = receiver._app.Urls.First().TrimEnd('/');
        return receiver;
    }

    /// <summary>Requests to <paramref name="path"/> answer 500 this many times before they answer 200.</summary>
    public void FailFirst(string path, int times) => _failuresLeft[path] = times;

    /// <summary>Requests to <paramref name="path"/> are read and then never answered.</summary>
    public void Hang(string path) => _hang[path] = true;

    public IReadOnlyList<Received> To(string path) => _received.Where(r => r.Path == path).ToArray();

    /// <summary>Waits (bounded) until <paramref name="path"/> has received at least <paramref name="count"/> requests.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(string path, int count, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(30));
        while (To(path).Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var received = To(path);
        Assert.True(received.Count >= count, $"{path} received {received.Count} request(s), expected at least {count}");
        return received;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        var path = http.Request.Path.Value ?? "";
        _received.Enqueue(new Received(path,
            http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            body.ToArray(), DateTimeOffset.UtcNow));
        if (_hang.ContainsKey(path))
        {
            await Task.Delay(Timeout.Infinite, http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        var fail = false;
        _failuresLeft.AddOrUpdate(path, 0, (_, left) =>
        {
            fail = left > 0;
            return Math.Max(0, left - 1);
        });
        http.Response.StatusCode = fail ? 500 : 200;
        await http.Response.WriteAsync(fail ? "down" : "ok");
    }
}
