using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PulsePoint.Tests.Destinations;

/// <summary>What a subscriber of the emulator receives: topic and subscription set-up, pull and acknowledge over REST.</summary>
public sealed class PubSubTestSubscriber(string emulatorHost, string project, string topic) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://{emulatorHost}/v1/"), Timeout = TimeSpan.FromSeconds(30) };
    private readonly string _subscription = "sub-" + Guid.NewGuid().ToString("N");

    public async Task CreateTopicAndSubscriptionAsync()
    {
        using var topicResponse = await _http.PutAsJsonAsync($"projects/{project}/topics/{topic}", new { });
        if (topicResponse.StatusCode != System.Net.HttpStatusCode.Conflict)
        {
            topicResponse.EnsureSuccessStatusCode();
        }

        using var subscription = await _http.PutAsJsonAsync(
            $"projects/{project}/subscriptions/{_subscription}",
            new { topic = $"projects/{project}/topics/{topic}", ackDeadlineSeconds = 60 });
        subscription.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Pulls (and acknowledges) until every id in <paramref name="expected"/> has arrived, or a bounded
    /// number of empty pulls in a row says nothing more is coming. Returns every message received, keyed by event id.
    /// </summary>
    public async Task<Dictionary<Guid, List<ReceivedMessage>>> PullUntilAsync(IReadOnlyCollection<Guid> expected)
    {
        var received = new Dictionary<Guid, List<ReceivedMessage>>();
        var emptyPulls = 0;
        while (!expected.All(received.ContainsKey) && emptyPulls < 20)
        {
            using var response = await _http.PostAsJsonAsync($"projects/{project}/subscriptions/{_subscription}:pull", new { maxMessages = 1000 });
            response.EnsureSuccessStatusCode();
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            if (body["receivedMessages"] is not JsonArray messages || messages.Count == 0)
            {
                emptyPulls++;
                await Task.Delay(100);
                continue;
            }

            emptyPulls = 0;
            var ackIds = new List<string>();
            foreach (var item in messages)
            {
                ackIds.Add(item!["ackId"]!.GetValue<string>());
                var message = item["message"]!;
                var attributes = message["attributes"]!.AsObject().ToDictionary(a => a.Key, a => a.Value!.GetValue<string>());
                var data = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(message["data"]!.GetValue<string>())))!.AsObject();
                var id = Guid.Parse(attributes["event_id"]);
                if (!received.TryGetValue(id, out var list))
                {
                    received[id] = list = [];
                }

                list.Add(new ReceivedMessage(data, attributes));
            }

            using var ack = await _http.PostAsJsonAsync($"projects/{project}/subscriptions/{_subscription}:acknowledge", new { ackIds });
            ack.EnsureSuccessStatusCode();
        }

        return received;
    }

    public void Dispose() => _http.Dispose();

    public sealed record ReceivedMessage(JsonObject Data, Dictionary<string, string> Attributes);
}
