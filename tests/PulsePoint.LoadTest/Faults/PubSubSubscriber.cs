using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace PulsePoint.LoadTest.Faults;

/// <summary>
/// A subscriber on the emulator (directly, not through the proxy): creates the topic and a fresh
/// subscription before the load, then pulls and acknowledges in the background, counting messages per
/// <c>event_id</c> attribute (delivery is at least once, so it deduplicates by that id).
/// </summary>
public sealed class PubSubSubscriber : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly string _project;
    private readonly string _topic;
    private readonly string _subscription;
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _paused;
    private Task? _loop;
    private long _messages;

    public PubSubSubscriber(string emulatorHost, string project, string topic, string subscription)
    {
        _http = new HttpClient { BaseAddress = new Uri($"http://{emulatorHost}/v1/"), Timeout = TimeSpan.FromSeconds(30) };
        _project = project;
        _topic = topic;
        _subscription = subscription;
    }

    /// <summary>Messages received per event id.</summary>
    public ConcurrentDictionary<Guid, int> Received { get; } = new();

    public long Messages => Interlocked.Read(ref _messages);

    public string? LastError { get; private set; }

    public async Task CreateAsync(CancellationToken cancellationToken)
    {
        using var topic = await _http.PutAsJsonAsync($"projects/{_project}/topics/{_topic}", new { }, cancellationToken);
        if (topic.StatusCode != System.Net.HttpStatusCode.Conflict)
        {
            topic.EnsureSuccessStatusCode();
        }

        using var subscription = await _http.PutAsJsonAsync(
            $"projects/{_project}/subscriptions/{_subscription}",
            new { topic = $"projects/{_project}/topics/{_topic}", ackDeadlineSeconds = 60 },
            cancellationToken);
        subscription.EnsureSuccessStatusCode();
    }

    public void Start() => _loop = Task.Run(PullLoopAsync);

    /// <summary>Stops pulling (while Pub/Sub is "down", a subscriber could not pull either).</summary>
    public void Pause() => _paused = true;

    public void Resume() => _paused = false;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(35)));
        }

        try
        {
            using var delete = await _http.DeleteAsync($"projects/{_project}/subscriptions/{_subscription}");
        }
        catch (Exception)
        {
            // Best effort: the emulator forgets everything when it stops anyway.
        }

        _http.Dispose();
    }

    private async Task PullLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (_paused)
            {
                await Delay(200);
                continue;
            }

            try
            {
                using var response = await _http.PostAsJsonAsync($"projects/{_project}/subscriptions/{_subscription}:pull", new { maxMessages = 1000 }, _stop.Token);
                response.EnsureSuccessStatusCode();
                var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(_stop.Token))!.AsObject();
                if (body["receivedMessages"] is not JsonArray messages || messages.Count == 0)
                {
                    await Delay(100);
                    continue;
                }

                var ackIds = new List<string>(messages.Count);
                foreach (var item in messages)
                {
                    ackIds.Add(item!["ackId"]!.GetValue<string>());
                    var id = item["message"]?["attributes"]?["event_id"]?.GetValue<string>();
                    if (Guid.TryParse(id, out var eventId))
                    {
                        Received.AddOrUpdate(eventId, 1, (_, n) => n + 1);
                    }

                    Interlocked.Increment(ref _messages);
                }

                using var ack = await _http.PostAsJsonAsync($"projects/{_project}/subscriptions/{_subscription}:acknowledge", new { ackIds }, _stop.Token);
                ack.EnsureSuccessStatusCode();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LastError = e.Message;
                await Delay(500);
            }
        }
    }

    private async Task Delay(int ms)
    {
        try
        {
            await Task.Delay(ms, _stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
