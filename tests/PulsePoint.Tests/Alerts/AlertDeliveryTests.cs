using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PulsePoint.Alerts;
using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Billing;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Alerts;

/// <summary>
/// Alerts reaching people, end to end on the real billing test cluster and real PostgreSQL: a tenant's spend crosses
/// its threshold (default $10 here; 1M claude-3-sonnet input tokens = $3), its billing grain records the alert with
/// one delivery per channel, and the silo's delivery worker sends it to a real HTTP receiver (Kestrel on loopback)
/// or a real SMTP server. Signatures are checked here with HMAC-SHA256 directly, as a receiver would, not with
/// PulsePoint's own signing code.
/// </summary>
[Collection(BillingClusterCollection.Name)]
public sealed class AlertDeliveryTests(BillingClusterFixture fixture) : IAsyncLifetime
{
    private AlertReceiver _receiver = null!;

    private IClusterClient Client => fixture.Client;

    private DateTimeOffset Now => fixture.Clock.GetUtcNow();

    public async Task InitializeAsync() => _receiver = await AlertReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Webhook_threshold_alerts_arrive_signed_with_a_fresh_timestamp_and_an_idempotency_id()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        var created = await Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Webhook, "ops hook") { Url = _receiver.BaseUrl + "/hook" }));
        Assert.StartsWith("whsec_", created.SigningSecret);

        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 3_500_000, 0, Now)); // $10.50: 105 %

        var received = await _receiver.WaitForAsync("/hook", 3);
        Assert.Equal(3, received.Count);
        var fractions = new List<decimal>();
        foreach (var request in received)
        {
            var body = Encoding.UTF8.GetString(request.Body);
            var timestamp = request.Header("PulsePoint-Timestamp");
            Assert.Equal(Hmac(created.SigningSecret!, timestamp + "." + body), request.Header("PulsePoint-Signature"));
            Assert.NotEqual(Hmac("whsec_not-the-secret-of-this-channel", timestamp + "." + body), request.Header("PulsePoint-Signature"));
            var age = DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, CultureInfo.InvariantCulture));
            Assert.InRange(age, TimeSpan.FromSeconds(-5), TimeSpan.FromMinutes(5));

            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            Assert.Equal(request.Header("PulsePoint-Delivery-Id"), root.GetProperty("id").GetString());
            Assert.Equal(AlertKinds.CostThreshold, root.GetProperty("kind").GetString());
            Assert.Equal(tenant.ToString(), root.GetProperty("tenant_id").GetString());
            Assert.Equal("10.5", root.GetProperty("details").GetProperty("spend_usd").GetString());
            fractions.Add(decimal.Parse(root.GetProperty("details").GetProperty("threshold_fraction").GetString()!, CultureInfo.InvariantCulture));
        }

        Assert.Equal([0.5m, 0.8m, 1.0m], fractions.Order());
        Assert.Equal(3, received.Select(r => r.Header("PulsePoint-Delivery-Id")).Distinct().Count());
        // The alert ids are the cost.alert events' ids.
        var events = fixture.Published.Of(tenant).Select(e => e.EventId.ToString("D")).Order().ToArray();
        Assert.Equal(events, received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("alert_id").GetString()!).Order().ToArray());

        var channel = Assert.Single(await Channels(tenant, g => g.ListAsync()));
        await Eventually(async () => (await Channels(tenant, g => g.ListAsync()))[0].Delivered == 3);
        Assert.Equal(_receiver.BaseUrl + "/hook", channel.Target);
    }

    [Fact]
    public async Task Webhook_answering_500_is_retried_with_backoff_and_the_same_idempotency_id_until_it_accepts()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        _receiver.FailFirst("/flaky", 3);
        await Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Webhook, "flaky") { Url = _receiver.BaseUrl + "/flaky" }));

        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 2_000_000, 0, Now)); // $6: 50 % only

        var received = await _receiver.WaitForAsync("/flaky", 4);
        Assert.Single(received.Select(r => r.Header("PulsePoint-Delivery-Id")).Distinct());
        // Exponential: each wait at least 0.8 × (100 ms doubled per failure).
        var gaps = received.Zip(received.Skip(1), (a, b) => b.At - a.At).ToArray();
        Assert.All(gaps.Zip([80, 160, 320]), g => Assert.True(g.First >= TimeSpan.FromMilliseconds(g.Second), $"retried after {g.First.TotalMilliseconds} ms, expected at least {g.Second} ms"));

        await Eventually(async () => (await Channels(tenant, g => g.GetDeliveriesAsync(10))).SingleOrDefault()?.Status == "delivered");
        var delivery = Assert.Single(await Channels(tenant, g => g.GetDeliveriesAsync(10)));
        Assert.Equal((4, AlertKinds.CostThreshold), (delivery.Attempts, delivery.Kind));
        Assert.Equal(delivery.DeliveryId.ToString("D"), received[0].Header("PulsePoint-Delivery-Id"));
        var channel = Assert.Single(await Channels(tenant, g => g.ListAsync()));
        Assert.Equal((0L, 1L, 0L, 3L), (channel.Pending, channel.Delivered, channel.Failed, channel.FailedAttempts));
        Assert.Null(channel.LastError);
        await Task.Delay(500);
        Assert.Equal(4, _receiver.To("/flaky").Count);
    }

    [Fact]
    public async Task Slack_channel_gets_an_incoming_webhook_message_and_its_url_is_never_shown()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        var secretPath = "/services/T000/B000/" + Guid.NewGuid().ToString("N");
        var created = await Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Slack, "#cost") { Url = _receiver.BaseUrl + secretPath }));
        Assert.Null(created.SigningSecret);

        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 2_000_000, 0, Now));

        var message = Assert.Single(await _receiver.WaitForAsync(secretPath, 1));
        Assert.StartsWith("application/json", message.Header("Content-Type"));
        Assert.Equal("", message.Header("PulsePoint-Signature"));
        using var json = JsonDocument.Parse(message.Body);
        var text = json.RootElement.GetProperty("text").GetString()!;
        Assert.Contains("50% of the daily threshold of 10.00 USD", text);
        var blocks = json.RootElement.GetProperty("blocks").EnumerateArray().ToArray();
        Assert.Equal(["section", "section", "context"], blocks.Select(b => b.GetProperty("type").GetString()));
        Assert.Contains(message.Header("PulsePoint-Delivery-Id"), blocks[2].GetProperty("elements")[0].GetProperty("text").GetString());

        var shown = string.Join(" ", (await Channels(tenant, g => g.ListAsync())).Select(c => c.Target));
        Assert.DoesNotContain(secretPath, shown);
        Assert.Contains("127.0.0.1", shown);
    }

    [Fact]
    public async Task Email_channel_mails_the_alert_through_a_real_smtp_server_with_its_sealed_password()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        var tenant = await TestTenants.CreateAsync(Client);
        await Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Email, "finance")
        {
            To = ["finance@example.com", "cto@example.com"],
            From = "alerts@pulsepoint.example",
            SmtpHost = "127.0.0.1",
            SmtpPort = smtp.Port,
            SmtpUser = smtp.User,
            SmtpPassword = smtp.Password,
            SmtpSecurity = SmtpSecurity.None,
        }));

        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 2_000_000, 0, Now));

        var mail = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal([(smtp.User, smtp.Password)], smtp.Logins);
        Assert.Equal(["finance@example.com", "cto@example.com"], mail.To.Mailboxes.Select(m => m.Address));
        Assert.StartsWith("[PulsePoint] WARNING cost.threshold: AI spend on", mail.Subject);
        Assert.Contains($"tenant: {tenant}", mail.TextBody);
        var deliveryId = mail.Headers["X-PulsePoint-Delivery-Id"];
        Assert.Equal($"{deliveryId}@pulsepoint", mail.MessageId);
        await Eventually(async () => (await Channels(tenant, g => g.GetDeliveriesAsync(5))).SingleOrDefault()?.Status == "delivered");
        Assert.Equal(deliveryId, (await Channels(tenant, g => g.GetDeliveriesAsync(5)))[0].DeliveryId.ToString("D"));

        // The password is sealed in PostgreSQL: not there as text.
        await using var pipeline = TestDatabase.CreateDataSource(TestDatabase.Pipeline);
        await using var select = pipeline.CreateCommand("select secret, settings::text from alert_channels where tenant_id = $1");
        select.Parameters.Add(new Npgsql.NpgsqlParameter { Value = tenant.Value });
        await using var reader = await select.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.DoesNotContain(smtp.Password, Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(0)) + reader.GetString(1));
    }

    [Fact]
    public async Task Dead_channels_refusing_or_hanging_do_not_delay_another_channels_delivery()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        _receiver.Hang("/hung");
        await Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Webhook, "refusing") { Url = $"http://127.0.0.1:{ClosedPort()}/hook" }));
        await Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Webhook, "hung") { Url = _receiver.BaseUrl + "/hung" }));
        await Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Webhook, "healthy") { Url = _receiver.BaseUrl + "/healthy" }));

        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 2_000_000, 0, Now));

        var healthy = Assert.Single(await _receiver.WaitForAsync("/healthy", 1));
        var hung = Assert.Single(await _receiver.WaitForAsync("/hung", 1));
        // Delivered while the hung channel's attempt was still waiting for its answer.
        Assert.True(healthy.At < hung.At + ClusterFixture.AlertSendTimeout, $"healthy at {healthy.At:O}, hung attempt from {hung.At:O}");

        await Eventually(async () => (await Channels(tenant, g => g.ListAsync())).Single(c => c.Name == "refusing").FailedAttempts >= 2);
        var channels = await Channels(tenant, g => g.ListAsync());
        var refusing = channels.Single(c => c.Name == "refusing");
        Assert.Equal((1L, 0L), (refusing.Pending, refusing.Delivered));
        Assert.Contains("refused", refusing.LastError, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(refusing.NextAttemptAt);
        Assert.Equal(1L, channels.Single(c => c.Name == "healthy").Delivered);
    }

    [Fact]
    public async Task Budget_exhausted_is_alerted_once_a_day_and_resolved_when_the_budget_is_raised()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        await Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Webhook, "budget") { Url = _receiver.BaseUrl + "/budget" }));
        await TestTenants.SetDailyBudgetAsync(Client, tenant, 1m);

        Assert.True((await Billing(tenant, g => g.ReserveBudgetAsync(0.8m))).Granted);
        Assert.False((await Billing(tenant, g => g.ReserveBudgetAsync(0.5m))).Granted);
        Assert.False((await Billing(tenant, g => g.ReserveBudgetAsync(0.3m))).Granted);

        var exhausted = Body(Assert.Single(await _receiver.WaitForAsync("/budget", 1)));
        Assert.Equal(AlertKinds.BudgetExhausted, exhausted.GetProperty("kind").GetString());
        Assert.Equal("error", exhausted.GetProperty("severity").GetString());
        Assert.Equal(("1", "0.8", "0.5"), (Detail(exhausted, "budget_usd"), Detail(exhausted, "counted_usd"), Detail(exhausted, "denied_estimate_usd")));

        await TestTenants.SetDailyBudgetAsync(Client, tenant, 5m);
        var resolved = Body((await _receiver.WaitForAsync("/budget", 2))[1]);
        Assert.Equal(AlertKinds.Resolved, resolved.GetProperty("kind").GetString());
        Assert.Equal("budget_raised", Detail(resolved, "reason"));
        Assert.Equal([exhausted.GetProperty("alert_id").GetString()], resolved.GetProperty("resolves").EnumerateArray().Select(e => e.GetString()));

        // Used up again the same day: a new alert, not the first one again.
        Assert.False((await Billing(tenant, g => g.ReserveBudgetAsync(4.5m))).Granted);
        var again = Body((await _receiver.WaitForAsync("/budget", 3))[2]);
        Assert.Equal(AlertKinds.BudgetExhausted, again.GetProperty("kind").GetString());
        Assert.NotEqual(exhausted.GetProperty("alert_id").GetString(), again.GetProperty("alert_id").GetString());
        await Task.Delay(500);
        Assert.Equal(3, _receiver.To("/budget").Count);
    }

    [Fact]
    public async Task Unpriced_model_is_alerted_once_per_model_per_day()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        await Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Webhook, "pricing") { Url = _receiver.BaseUrl + "/pricing" }));

        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "house-model-a", 100, 10, Now), TestUsage.AiEvent(tenant, "house-model-a", 5, 5, Now));
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "house-model-a", 100, 10, Now));
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "house-model-b", 1, 1, Now), TestUsage.AiEvent(tenant, "claude-3-sonnet", 1, 1, Now));

        var received = await _receiver.WaitForAsync("/pricing", 2);
        await Task.Delay(1000);
        var bodies = _receiver.To("/pricing").Select(Body).ToArray();
        Assert.All(bodies, b => Assert.Equal(AlertKinds.CostUnpriced, b.GetProperty("kind").GetString()));
        Assert.Equal(["house-model-a", "house-model-b"], bodies.Select(b => Detail(b, "model")).Order());
        Assert.Equal("2", Detail(bodies.Single(b => Detail(b, "model") == "house-model-a"), "unpriced_events"));
    }

    [Fact]
    public async Task Unpriced_model_is_one_model_in_any_letter_case_and_a_late_event_still_flags_it_once_today()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        await Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Webhook, "spelling") { Url = _receiver.BaseUrl + "/spelling" }));

        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "House-Model-C", 1, 1, Now), TestUsage.AiEvent(tenant, "house-model-c", 1, 1, Now));
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "HOUSE-MODEL-C ", 1, 1, Now));
        // Two days old: outside the counters (today and yesterday), yet its model has no price and nobody was told today.
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "house-model-d", 7, 3, Now.AddDays(-2)));
        await TestGrains.DeactivateAsync(Client, Client.GetGrain<ITenantBillingGrain>(tenant.Value));
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "house-model-d", 1, 1, Now.AddDays(-2)), TestUsage.AiEvent(tenant, "House-Model-C", 1, 1, Now));

        await _receiver.WaitForAsync("/spelling", 2);
        await Task.Delay(1000);
        var bodies = _receiver.To("/spelling").Select(Body).ToArray();
        Assert.Equal(["house-model-c", "house-model-d"], bodies.Select(b => Detail(b, "model")!.ToLowerInvariant()).Order());
        Assert.Equal("2", Detail(bodies.Single(b => Detail(b, "model")!.Equals("House-Model-C", StringComparison.OrdinalIgnoreCase)), "unpriced_events"));
        Assert.Equal("10", Detail(bodies.Single(b => Detail(b, "model") == "house-model-d"), "tokens"));
    }

    [Fact]
    public async Task Raising_the_threshold_above_the_spend_resolves_the_alerts_it_no_longer_reaches()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        await Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Webhook, "thresholds") { Url = _receiver.BaseUrl + "/thresholds" }));
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 3_000_000, 0, Now)); // $9: 50 % and 80 %
        var fired = (await _receiver.WaitForAsync("/thresholds", 2)).Select(Body).ToArray();

        await TestTenants.SetDailyCostThresholdAsync(Client, tenant, 15m); // 80 % is $12 > $9; 50 % is $7.50 ≤ $9

        var resolved = Body((await _receiver.WaitForAsync("/thresholds", 3))[2]);
        Assert.Equal((AlertKinds.Resolved, "threshold_raised", "info"), (resolved.GetProperty("kind").GetString(), Detail(resolved, "reason"), resolved.GetProperty("severity").GetString()));
        var eighty = fired.Single(b => Detail(b, "threshold_fraction") == "0.8").GetProperty("alert_id").GetString();
        Assert.Equal([eighty], resolved.GetProperty("resolves").EnumerateArray().Select(e => e.GetString()));

        // Crossing 80 % of the new threshold is a new alert.
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 1_000_000, 0, Now)); // $12
        var again = Body((await _receiver.WaitForAsync("/thresholds", 4))[3]);
        Assert.Equal(("0.8", "15"), (Detail(again, "threshold_fraction"), Detail(again, "threshold_usd")));
        Assert.NotEqual(eighty, again.GetProperty("alert_id").GetString());
    }

    [Fact]
    public async Task A_new_utc_day_resolves_the_alerts_of_the_day_before()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        await Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Webhook, "daily") { Url = _receiver.BaseUrl + "/daily" }));
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 2_000_000, 0, Now), TestUsage.AiEvent(tenant, "house-model-c", 1, 1, Now));
        var fired = (await _receiver.WaitForAsync("/daily", 2)).Select(b => Body(b).GetProperty("alert_id").GetString()).ToArray();
        var day = DateOnly.FromDateTime(Now.UtcDateTime);

        fixture.Clock.Advance(TimeSpan.FromDays(1));

        // No usage needed: the grain's refresh timer (1 s here) notices the new day.
        var resolved = Body((await _receiver.WaitForAsync("/daily", 3))[2]);
        Assert.Equal((AlertKinds.Resolved, "day_ended"), (resolved.GetProperty("kind").GetString(), Detail(resolved, "reason")));
        Assert.Equal(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), resolved.GetProperty("day").GetString());
        Assert.Equal(fired.Order(), resolved.GetProperty("resolves").EnumerateArray().Select(e => e.GetString()).Order());
    }

    [Fact]
    public async Task Recording_an_alert_again_adds_no_delivery_and_each_channel_gets_one()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        await Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Webhook, "one") { Url = _receiver.BaseUrl + "/one" }));
        await Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Webhook, "two") { Url = _receiver.BaseUrl + "/two" }));
        var alert = BillingAlerts.Unpriced(tenant, DateOnly.FromDateTime(Now.UtcDateTime), new UsageLine(DateOnly.FromDateTime(Now.UtcDateTime), "replayed-model", 1, 1, 0, 0, 0, 1, 0m, 1), Now);
        await using var application = TestDatabase.CreateDataSource(TestDatabase.Application);
        var outbox = new AlertOutbox(new TenantDatabase(application, TestDatabase.TenantContext), new AlertDeliverySignal(), TimeProvider.System);

        await outbox.RecordAsync(tenant, [alert]);
        await outbox.RecordAsync(tenant, [alert]);

        await _receiver.WaitForAsync("/one", 1);
        await _receiver.WaitForAsync("/two", 1);
        await Task.Delay(1000);
        Assert.Equal((1, 1), (_receiver.To("/one").Count, _receiver.To("/two").Count));
        Assert.Equal(2, (await Channels(tenant, g => g.GetDeliveriesAsync(10))).Count);
    }

    [Fact]
    public async Task Removed_channel_gets_nothing_more_and_other_tenants_cannot_see_or_touch_it()
    {
        var tenant = await TestTenants.CreateAsync(Client);
        var other = await TestTenants.CreateAsync(Client);
        var created = await Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Webhook, "mine") { Url = _receiver.BaseUrl + "/mine" }));
        var id = created.Channel.Id;

        Assert.Empty(await Channels(other, g => g.ListAsync()));
        Assert.False(await Channels(other, g => g.RemoveAsync(id)));
        Assert.False((await Channels(other, g => g.TestAsync(id))).Delivered);
        using (TenantScope.Begin(other))
        {
            await Assert.ThrowsAsync<TenantMismatchException>(() => Client.GetGrain<IAlertChannelsGrain>(tenant.Value).ListAsync());
        }

        var test = await Channels(tenant, g => g.TestAsync(id));
        Assert.True(test.Delivered, test.Error);
        Assert.Equal(AlertMessage.TestKind, Body(Assert.Single(await _receiver.WaitForAsync("/mine", 1))).GetProperty("kind").GetString());

        Assert.True(await Channels(tenant, g => g.RemoveAsync(id)));
        Assert.Empty(await Channels(tenant, g => g.ListAsync()));
        await TestUsage.CommitBatchAsync(Client, TestUsage.AiEvent(tenant, "claude-3-sonnet", 2_000_000, 0, Now));
        await Task.Delay(1500);
        Assert.Single(_receiver.To("/mine"));
    }

    [Fact]
    public async Task Invalid_channels_are_refused_naming_the_field()
    {
        var tenant = await TestTenants.CreateAsync(Client);

        var noUrl = await Assert.ThrowsAsync<InvalidAlertChannelException>(() => Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Webhook, "x") { Url = "ftp://example.com" })));
        Assert.Contains("Url", noUrl.Message);
        var shortSecret = await Assert.ThrowsAsync<InvalidAlertChannelException>(() => Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Webhook, "x") { Url = "https://example.com/h", Secret = "short" })));
        Assert.Contains("Secret", shortSecret.Message);
        var badMail = await Assert.ThrowsAsync<InvalidAlertChannelException>(() => Channels(tenant, g => g.AddAsync(new NewAlertChannel(AlertChannelKind.Email, "x") { To = ["not an address"], From = "a@b.example", SmtpHost = "smtp.example.com" })));
        Assert.Contains("not an address", badMail.Message);
        Assert.Empty(await Channels(tenant, g => g.ListAsync()));
    }

    private static string Hmac(string secret, string signed) =>
        "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(signed)));

    private static JsonElement Body(AlertReceiver.Received request) => JsonDocument.Parse(request.Body).RootElement;

    private static string? Detail(JsonElement body, string name) => body.GetProperty("details").GetProperty(name).GetString();

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(100);
        }
    }

    private async Task<T> Channels<T>(TenantId tenant, Func<IAlertChannelsGrain, Task<T>> call)
    {
        using (TenantScope.Begin(tenant))
        {
            return await call(Client.GetGrain<IAlertChannelsGrain>(tenant.Value));
        }
    }

    private async Task<T> Billing<T>(TenantId tenant, Func<ITenantBillingGrain, Task<T>> call)
    {
        using (TenantScope.Begin(tenant))
        {
            return await call(Client.GetGrain<ITenantBillingGrain>(tenant.Value));
        }
    }

    private async Task Billing(TenantId tenant, Func<ITenantBillingGrain, Task> call)
    {
        using (TenantScope.Begin(tenant))
        {
            await call(Client.GetGrain<ITenantBillingGrain>(tenant.Value));
        }
    }
}
