using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PulsePoint.Client;
using PulsePoint.SampleService;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.EndToEnd;

/// <summary>The sample backend service on a real Kestrel port, talking to the test cluster.</summary>
public sealed class SampleServiceHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SampleServiceHost(WebApplication app, HttpClient http)
    {
        _app = app;
        Http = http;
    }

    public HttpClient Http { get; }

    public static async Task<SampleServiceHost> StartAsync(IClusterClient client, int eventShards = ClusterFixture.EventShards)
    {
        var app = SampleServiceApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], builder =>
        {
            builder.Services.AddSingleton(client);
            builder.Services.AddSingleton<IGrainFactory>(client);
            builder.Services.AddPulsePointEventTracking();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SampleServiceHost(app, new HttpClient { BaseAddress = new Uri(address) });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
