using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PulsePoint.Silo.HttpApi;

namespace PulsePoint.Tests.HttpApi;

/// <summary>The default rule, <c>OperatorAccess=Loopback</c>, on the shared HTTP silo.</summary>
[Collection(HttpSiloCollection.Name)]
public sealed class OperatorLoopbackTests(HttpSiloFixture silo)
{
    [Fact]
    public async Task OperatorAccess_by_default_loopback_clients_open_the_pages_without_a_key()
    {
        using var local = silo.Client(null);
        Assert.Equal(HttpStatusCode.OK, await OperatorAccessTests.DashboardAsync(local));
        // The form; this silo has no warehouse, so it draws no charts.
        Assert.Equal(HttpStatusCode.OK, (await local.GetAsync("/insights")).StatusCode);
    }

    [Theory]
    [InlineData("203.0.113.7", "/dashboard", 403)]
    [InlineData("203.0.113.7", "/insights", 403)]
    [InlineData("203.0.113.7", "/v1/admin/tenants/x/keys", 403)]
    [InlineData("203.0.113.7", "/metrics", 403)]
    [InlineData("127.0.0.9", "/metrics", 200)]
    [InlineData("::ffff:203.0.113.7", "/dashboard/api", 403)]
    [InlineData("203.0.113.7", "/healthz", 200)]
    [InlineData("203.0.113.7", "/v1/events", 200)]
    [InlineData("127.0.0.9", "/dashboard", 200)]
    [InlineData("::1", "/insights", 200)]
    [InlineData("::ffff:127.0.0.1", "/v1/admin/tenants/x/keys", 200)]
    public async Task OperatorAccess_by_default_other_addresses_get_403_on_operator_paths_only(string address, string path, int expected)
    {
        // No connection from a non-loopback address is made here: the rule is run on a request that says it came from one
        // (203.0.113.0/24 is reserved for documentation). 200 means "passed on to the next step".
        var http = new DefaultHttpContext { RequestServices = silo.Services };
        http.Connection.RemoteIpAddress = IPAddress.Parse(address);
        http.Request.Path = path;
        http.Response.Body = new MemoryStream();
        var passed = false;
        var app = new ApplicationBuilder(silo.Services);
        app.UseOperatorPagesOnLoopback();
        app.Run(_ =>
        {
            passed = true;
            return Task.CompletedTask;
        });
        await app.Build()(http);
        Assert.Equal(expected, passed ? 200 : http.Response.StatusCode);
    }

    [Theory]
    [InlineData("172.28.0.1", true)]
    [InlineData("::ffff:172.28.0.1", true)]
    [InlineData("10.9.44.2", true)]
    [InlineData("172.28.0.9", false)]
    [InlineData("127.0.0.1", true)]
    public void OperatorAccess_operator_networks_are_served_as_if_local(string address, bool local) =>
        Assert.Equal(local, OperatorPages.IsLocal(IPAddress.Parse(address), new HttpApiOptions { OperatorNetworks = "172.28.0.1/32, 10.9.0.0/16" }));

    [Fact]
    public void OperatorAccess_a_malformed_operator_network_stops_the_silo_at_start_naming_it()
    {
        var options = new HttpApiOptions { OperatorNetworks = "172.28.0.1/32,not-a-network" };
        var problems = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), problems, validateAllProperties: true));
        Assert.Contains("'not-a-network' is not a network", Assert.Single(problems).ErrorMessage);
    }
}
