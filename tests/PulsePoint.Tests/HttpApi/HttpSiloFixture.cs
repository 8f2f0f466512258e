using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using PulsePoint.ApiKeys;
using PulsePoint.Silo.Hosting;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.HttpApi;

/// <summary>
/// The real silo host — <c>AddPulsePointSilo</c> and <c>MapPulsePointEndpoints</c>, as <c>PulsePoint.Silo run</c> builds it —
/// in process, on a loopback port, with its own database (one cluster per database) and small limits the tests can reach.
/// Shared by the HTTP API tests; each test makes its own tenants and keys, so the per-key limits never meet.
/// </summary>
public class HttpSiloFixture : IAsyncLifetime
{
    public const int SiloPort = 22511;

    public const int GatewayPort = 41511;

    /// <summary>Requests per second per key: low enough for a test to exceed in a burst.</summary>
    public const int RequestsPerSecondPerKey = 50;

    public const int MaxEventsPerRequest = 500;

    public const int EventsPerSecondPerKey = 2000;

    public const int MaxRequestBodyBytes = 256 * 1024;

    /// <summary>Failed authentications per minute per client address.</summary>
    public const int FailedAuthenticationsPerMinute = 20;

    public static readonly TestDatabase.ClusterDatabase Database = TestDatabase.ForCluster("pulsepoint_test_http");

    private WebApplication? _app;

    /// <summary>This fixture's own database (one cluster per database).</summary>
    protected virtual TestDatabase.ClusterDatabase OwnDatabase => Database;

    /// <summary>Settings that differ from <see cref="Settings"/> and the defaults below (ports, access rule, ...); later ones win.</summary>
    protected virtual string[] ExtraSettings => [];

    /// <summary>Changes to the host before the silo is added (e.g. a log provider a test reads).</summary>
    protected virtual void Configure(WebApplicationBuilder builder)
    {
    }

    public Uri Address { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public ApiKeyStore Keys => Services.GetRequiredService<ApiKeyStore>();

    /// <summary>The silo's configuration as command-line settings (also what the CLI verbs under test are given).</summary>
    public static string[] Settings =>
    [
        $"--PulsePoint:Database:Application={Database.Application}",
        $"--PulsePoint:Database:Orleans={Database.Orleans}",
        $"--PulsePoint:Database:TenantContextKey={TestDatabase.TenantContextKey}",
        $"--PulsePoint:Database:Pipeline={Database.Pipeline}",
        $"--PulsePoint:Database:Owner={Database.Owner}",
        $"--PulsePoint:Client:GatewayPort={GatewayPort}",
        $"--PulsePoint:Client:ClusterId={ClusterId}",
    ];

    public const string ClusterId = "pulsepoint-http-tests";

    /// <summary>The settings that point a silo at <paramref name="database"/>'s roles (a fixture with a database of its own).</summary>
    protected static string[] DatabaseSettings(TestDatabase.ClusterDatabase database) =>
    [
        $"--PulsePoint:Database:Application={database.Application}",
        $"--PulsePoint:Database:Orleans={database.Orleans}",
        $"--PulsePoint:Database:TenantContextKey={TestDatabase.TenantContextKey}",
        $"--PulsePoint:Database:Pipeline={database.Pipeline}",
        $"--PulsePoint:Database:Owner={database.Owner}",
    ];

    public async Task InitializeAsync()
    {
        await OwnDatabase.EnsureCreatedAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args =
            [
                .. Settings,
                "--PulsePoint:Silo:WebUrl=http://127.0.0.1:0",
                $"--PulsePoint:Silo:SiloPort={SiloPort}",
                $"--PulsePoint:Silo:GatewayPort={GatewayPort}",
                $"--PulsePoint:Silo:ClusterId={ClusterId}",
                "--PulsePoint:Destinations:Warehouse=None",
                .. Billing.TestPrices.Configuration().Where(c => c.Value is not null).Select(c => $"--{c.Key}={c.Value}"),
                "--PulsePoint:Events:Shards=2",
                "--PulsePoint:Events:FlushDelay=00:00:00.005",
                "--PulsePoint:ApiKeys:RefreshPeriod=00:00:01",
                "--PulsePoint:ApiKeys:LastUsedWritePeriod=00:00:00.500",
                "--PulsePoint:ApiKeys:UnknownKeyIdleTimeout=00:00:01",
                $"--PulsePoint:Http:RequestsPerSecondPerKey={RequestsPerSecondPerKey}",
                $"--PulsePoint:Http:MaxEventsPerRequest={MaxEventsPerRequest}",
                $"--PulsePoint:Http:EventsPerSecondPerKey={EventsPerSecondPerKey}",
                $"--PulsePoint:Http:MaxRequestBodyBytes={MaxRequestBodyBytes}",
                $"--PulsePoint:Http:FailedAuthenticationsPerMinute={FailedAuthenticationsPerMinute}",
                .. ExtraSettings,
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Orleans=Warning",
                "--Logging:LogLevel:Orleans.Runtime.Silo=Warning",
            ],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        Configure(builder);
        builder.AddPulsePointSilo();
        _app = builder.Build();
        _app.MapPulsePointEndpoints();
        await _app.StartAsync();
        Address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>A new active tenant, created through its grain (the silo host signs the operator call).</summary>
    public async Task<TenantId> CreateTenantAsync(string name = "HTTP tenant")
    {
        var tenant = TenantId.New();
        await Grains.GetGrain<ITenantAdminGrain>(tenant.Value).CreateAsync(name);
        return tenant;
    }

    /// <summary>Deactivates or re-activates <paramref name="tenant"/> through its grain (instant, cluster-wide).</summary>
    public async Task SetActiveAsync(TenantId tenant, bool active)
    {
        var grain = Grains.GetGrain<ITenantAdminGrain>(tenant.Value);
        await (active ? grain.ActivateAsync() : grain.DeactivateAsync());
    }

    /// <summary>Sets <paramref name="tenant"/>'s hard daily budget through its billing grain, as an operator does.</summary>
    public Task SetDailyBudgetAsync(TenantId tenant, decimal? dailyBudgetUsd) => TestTenants.SetDailyBudgetAsync(Grains, tenant, dailyBudgetUsd);

    /// <summary>A new key of <paramref name="tenant"/> with <paramref name="scopes"/>; its full text.</summary>
    public async Task<string> CreateKeyAsync(TenantId tenant, ApiKeyScopes scopes = ApiKeyScopes.Ingest) =>
        (await Keys.CreateTenantKeyAsync(tenant, scopes, "test", null)).Key;

    /// <summary>A new operator key (made as the owner role, as the CLI does).</summary>
    public async Task<string> CreateOperatorKeyAsync()
    {
        await using var owner = NpgsqlDataSource.Create(OwnDatabase.Owner);
        return (await Keys.CreateOperatorKeyAsync(owner, "test operator", null)).Key;
    }

    /// <summary>An HTTP client of the silo's web host sending <paramref name="key"/>, from <paramref name="source"/> (a loopback address; default 127.0.0.1).</summary>
    public HttpClient Client(string? key, IPAddress? source = null)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false };
        if (source is not null)
        {
            // Loopback is 127.0.0.0/8: a test can be "another client address" without leaving the machine.
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        var client = new HttpClient(handler) { BaseAddress = Address };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>Reads the event store as the pipeline role (no RLS): what a test asserts was, or was not, stored.</summary>
    public async Task<T> QueryAsync<T>(string sql, Func<NpgsqlDataReader, Task<T>> read, params object[] parameters)
    {
        await using var source = NpgsqlDataSource.Create(OwnDatabase.Pipeline);
        await using var command = source.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await using var reader = await command.ExecuteReaderAsync();
        return await read(reader);
    }

    /// <summary>How many events <paramref name="tenant"/> has with these ids.</summary>
    public Task<long> CountEventsAsync(TenantId tenant, IEnumerable<Guid> eventIds) =>
        QueryAsync("select count(*) from observability_events where tenant_id = $1 and event_id = any($2)",
            async r => { await r.ReadAsync(); return r.GetInt64(0); }, tenant.Value, eventIds.ToArray());
}

[CollectionDefinition(Name)]
public sealed class HttpSiloCollection : ICollectionFixture<HttpSiloFixture>
{
    public const string Name = "http-silo";
}
