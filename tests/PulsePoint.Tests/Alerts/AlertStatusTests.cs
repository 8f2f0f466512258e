using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PulsePoint.Alerts;
using PulsePoint.Billing;
using PulsePoint.Events;
using PulsePoint.Silo.Cli;
using PulsePoint.Silo.Insights;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Analytics;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Alerts;

/// <summary>
/// Delivery status where operators look (the <c>channels</c> verb and <c>/insights</c>), the verb's whole cycle for a
/// tenant and for the operator, and the guard that keeps tenants' channels off private networks. Deliveries are made
/// by a delivery worker this test starts on the real test database, as a silo's would.
/// </summary>
public sealed class AlertStatusTests : IAsyncLifetime
{
    private static readonly string[] Database =
    [
        $"--PulsePoint:Database:Application={TestDatabase.Application}",
        $"--PulsePoint:Database:Orleans={TestDatabase.Orleans}",
        $"--PulsePoint:Database:TenantContextKey={TestDatabase.TenantContextKey}",
        $"--PulsePoint:Database:Pipeline={TestDatabase.Pipeline}",
        $"--PulsePoint:Database:Owner={TestDatabase.Owner}",
        $"--PulsePoint:Alerts:SecretKey={ClusterFixture.AlertSecretKey}",
        "--PulsePoint:Alerts:AllowPrivateNetworks=true",
    ];

    private AlertReceiver _receiver = null!;
    private AnalyticsTestWarehouse _warehouse = null!;
    private DataSources _sources = null!;
    private AlertDeliveryWorker _worker = null!;

    private static IOptions<AlertOptions> Options => Microsoft.Extensions.Options.Options.Create(new AlertOptions
    {
        SecretKey = ClusterFixture.AlertSecretKey,
        AllowPrivateNetworks = true,
        PollPeriod = TimeSpan.FromMilliseconds(200),
        InitialBackoff = TimeSpan.FromMilliseconds(100),
        MaxBackoff = TimeSpan.FromSeconds(1),
        MaxAttempts = 3,
    });

    public async Task InitializeAsync()
    {
        _receiver = await AlertReceiver.StartAsync();
        _warehouse = await AnalyticsTestWarehouse.CreateAsync();
        _sources = new DataSources(Microsoft.Extensions.Options.Options.Create(new DatabaseOptions { Application = TestDatabase.Application, Pipeline = TestDatabase.Pipeline, TenantContextKey = TestDatabase.TenantContextKey }));
        _worker = new AlertDeliveryWorker(new AlertDeliveryQueue(_sources, new ChannelSecrets(Options)), new AlertSender(Options, TimeProvider.System),
            new AlertDeliverySignal(), Options, TimeProvider.System, NullLogger<AlertDeliveryWorker>.Instance);
        await _worker.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _worker.StopAsync(CancellationToken.None);
        _worker.Dispose();
        await _sources.DisposeAsync();
        await _warehouse.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task Channels_verb_adds_tests_lists_with_delivery_status_and_removes_a_tenants_channels()
    {
        var tenant = await _warehouse.CreateTenantAsync("Verb tenant");
        var (code, added) = await Verb("add", "--tenant", tenant.ToString(), "--kind", "webhook", "--name", "ops", "--url", _receiver.BaseUrl + "/verb");
        Assert.Equal(0, code);
        var id = Regex.Match(added, "channel ([0-9a-f-]{36})").Groups[1].Value;
        var secret = Regex.Match(added, "whsec_[A-Za-z0-9_-]+").Value;
        Assert.Equal(49, secret.Length);
        var (_, down) = await Verb("add", "--tenant", tenant.ToString(), "--kind", "webhook", "--name", "down", "--url", $"http://127.0.0.1:{ClosedPort()}/x");

        Assert.Equal((0, $"test message delivered to webhook channel {id}"), Trim(await Verb("test", "--tenant", tenant.ToString(), "--id", id)));
        Assert.Equal("alert.test", AlertMessageKind(Assert.Single(await _receiver.WaitForAsync("/verb", 1))));

        await RecordAsync(tenant);
        await _receiver.WaitForAsync("/verb", 2);
        // One delivery delivered, the other failing (connection refused) with its error and next attempt shown.
        var (listed, json) = await Eventually(() => Verb("list", "--tenant", tenant.ToString(), "--format", "json"),
            t => t.Output.Contains("\"delivered\": 1", StringComparison.Ordinal) && t.Output.Contains("refused", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, listed);
        Assert.Contains("\"status\": \"delivered\"", json);
        var (_, table) = await Verb("list", "--tenant", tenant.ToString());
        Assert.Contains("recent deliveries", table);
        Assert.Matches(@"webhook\s+ops\s", table);
        Assert.Matches(@"webhook\s+down\s", table);
        Assert.Contains("refused", table, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(secret, table + json);

        Assert.Equal((0, $"removed channel {id}; its pending deliveries are cancelled"), Trim(await Verb("remove", "--tenant", tenant.ToString(), "--id", id)));
        Assert.Equal(1, (await Verb("remove", "--tenant", tenant.ToString(), "--id", id)).Code);
        Assert.DoesNotContain(id, (await Verb("list", "--tenant", tenant.ToString())).Output.Split("recent deliveries")[0]);
        Assert.Contains("channel", down);
    }

    [Fact]
    public async Task Insights_page_shows_each_channels_deliveries_and_last_error()
    {
        var tenant = await _warehouse.CreateTenantAsync("Insights alerts", 1m);
        var store = new AlertChannelStore(_warehouse.Database, new ChannelSecrets(Options));
        var good = await store.AddAsync(tenant, new NewAlertChannel(AlertChannelKind.Webhook, "good") { Url = _receiver.BaseUrl + "/insights-good" }, DateTimeOffset.UtcNow);
        var bad = await store.AddAsync(tenant, new NewAlertChannel(AlertChannelKind.Webhook, "bad") { Url = $"http://127.0.0.1:{ClosedPort()}/x" }, DateTimeOffset.UtcNow);
        await RecordAsync(tenant);
        await _receiver.WaitForAsync("/insights-good", 1);
        await Eventually(() => store.ListAsync(tenant), c => c.Single(x => x.Name == "bad").FailedAttempts >= 1 && c.Single(x => x.Name == "good").Delivered == 1);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(_warehouse.Analytics);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddPulsePointInsights();
        await using var app = builder.Build();
        app.MapPulsePointInsights();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient();
        var html = await http.GetStringAsync($"{address}/insights?tenant={tenant}");

        Assert.Contains($"data-channel=\"{good.Channel.Id:D}\" data-pending=\"0\" data-delivered=\"1\"", html);
        Assert.Matches($"data-channel=\"{bad.Channel.Id:D}\" data-pending=\"(0|1)\" data-delivered=\"0\"", html);
        Assert.Contains("class=\"delivery status-delivered\"", html);
        Assert.Contains("refused", html, StringComparison.OrdinalIgnoreCase);
        await app.StopAsync();
    }

    [Fact]
    public async Task Operator_channels_are_written_by_the_owner_role_and_receive_every_tenants_alerts()
    {
        var (code, added) = await Verb("add", "--operator", "--kind", "webhook", "--name", "noc", "--url", _receiver.BaseUrl + "/noc");
        Assert.Equal(0, code);
        var id = Regex.Match(added, "channel ([0-9a-f-]{36})").Groups[1].Value;
        try
        {
            // The application role may not add one: the silo that serves tenants cannot widen who gets their alerts.
            await using var application = TestDatabase.CreateDataSource(TestDatabase.Application);
            var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
                new AlertChannelStore(new TenantDatabase(application, TestDatabase.TenantContext), new ChannelSecrets(Options)).AddOperatorAsync(application, new NewAlertChannel(AlertChannelKind.Webhook, "sneaky") { Url = "https://example.com/x" }, DateTimeOffset.UtcNow));
            Assert.Equal(Npgsql.PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);

            var tenant = await _warehouse.CreateTenantAsync("Operator sees me");
            var alert = await RecordAsync(tenant);
            var received = await Eventually(() => Task.FromResult(_receiver.To("/noc")), r => r.Any(x => x.Body.Length > 0 && System.Text.Encoding.UTF8.GetString(x.Body).Contains(alert.Id.ToString("D"), StringComparison.Ordinal)));
            Assert.NotEmpty(received);
            var (_, listed) = await Eventually(() => Verb("list", "--operator", "--deliveries", "1000", "--format", "json"),
                t => t.Output.Contains(alert.Id.ToString("D"), StringComparison.Ordinal));
            Assert.Contains(id, listed);
            Assert.Contains("\"channel\": \"noc\"", listed);
        }
        finally
        {
            Assert.Equal(0, (await Verb("remove", "--operator", "--id", id)).Code);
        }
    }

    [Fact]
    public async Task Tenant_channels_may_not_reach_private_networks_unless_allowed_operator_channels_may()
    {
        using var guarded = new AlertSender(Microsoft.Extensions.Options.Options.Create(new AlertOptions()), TimeProvider.System);
        var channel = new AlertChannel(Guid.NewGuid(), false, AlertChannelKind.Webhook, "internal", new ChannelSettings { Url = _receiver.BaseUrl + "/internal" }, "whsec_0123456789abcdef0123456789");
        var delivery = new AlertDelivery(TenantId.New(), Guid.NewGuid(), Sample(DateTimeOffset.UtcNow), channel, 1);

        var refused = await Assert.ThrowsAsync<AlertSendException>(() => guarded.SendAsync(delivery, CancellationToken.None));
        Assert.Contains("non-public address", refused.Message);
        Assert.Empty(_receiver.To("/internal"));

        await guarded.SendAsync(delivery with { Channel = channel with { IsOperator = true } }, CancellationToken.None);
        Assert.Single(_receiver.To("/internal"));
        Assert.False(PublicNetworkGuard.IsPublic(IPAddress.Parse("169.254.169.254")));
        Assert.False(PublicNetworkGuard.IsPublic(IPAddress.Parse("10.1.2.3")));
        Assert.False(PublicNetworkGuard.IsPublic(IPAddress.Parse("::ffff:192.168.1.1")));
        Assert.False(PublicNetworkGuard.IsPublic(IPAddress.Parse("fd00::1")));
        Assert.True(PublicNetworkGuard.IsPublic(IPAddress.Parse("8.8.8.8")));
    }

    private async Task<Alert> RecordAsync(TenantId tenant)
    {
        var alert = Sample(DateTimeOffset.UtcNow);
        await new AlertOutbox(_warehouse.Database, new AlertDeliverySignal(), TimeProvider.System).RecordAsync(tenant, [alert]);
        return alert;
    }

    private static Alert Sample(DateTimeOffset now) => BillingAlerts.Threshold(new CostAlert(
        DateOnly.FromDateTime(now.UtcDateTime), 0.5m, 10m, 5.5m, EventSeverity.Warning, Guid.NewGuid(), now));

    private static string AlertMessageKind(AlertReceiver.Received request) =>
        System.Text.Json.JsonDocument.Parse(request.Body).RootElement.GetProperty("kind").GetString()!;

    private static async Task<(int Code, string Output)> Verb(params string[] args)
    {
        var output = new StringWriter();
        var code = await SiloCommandLine.RunAsync(["channels", .. args, .. Database], output, output);
        return (code, output.ToString());
    }

    private static (int, string) Trim((int Code, string Output) result) => (result.Code, result.Output.Trim());

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not reached within 30 s; last: {value}");
            await Task.Delay(100);
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
