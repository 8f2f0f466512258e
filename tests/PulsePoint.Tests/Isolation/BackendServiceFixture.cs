using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PulsePoint.Client;
using PulsePoint.Tests.HttpApi;

namespace PulsePoint.Tests.Isolation;

/// <summary>
/// A backend service's Orleans client as <c>PulsePoint.Client</c> builds it (<c>AddPulsePointClient</c>): the gateway of the
/// <see cref="HttpSiloFixture"/> silo, tenant propagation, and nothing an operator has. What it can call is what any
/// backend service holding a tenant scope can call.
/// </summary>
public sealed class BackendServiceFixture : IAsyncLifetime
{
    private IHost? _host;

    public IGrainFactory Grains => _host!.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PulsePoint:Client:GatewayPort"] = HttpSiloFixture.GatewayPort.ToString(),
            ["PulsePoint:Client:ClusterId"] = HttpSiloFixture.ClusterId,
            ["PulsePoint:Client:EventStreams"] = "false",
        });
        builder.AddPulsePointClient();
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }
}
