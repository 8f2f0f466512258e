using System.Net;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.HttpApi;

/// <summary>
/// <c>/metrics</c>, the Prometheus scrape of PulsePoint's and Orleans' meters, on the real silo host with the default
/// operator rule (loopback). Other addresses are refused by the same rule as the dashboard
/// (<see cref="OperatorLoopbackTests"/>); with <c>OperatorAccess=ApiKey</c> it needs an operator key (<see cref="OperatorAccessTests"/>).
/// </summary>
[Collection(HttpSiloCollection.Name)]
public sealed class MetricsEndpointTests(HttpSiloFixture silo)
{
    [Fact]
    public async Task Metrics_a_loopback_scrape_shows_pulsepoint_and_orleans_meters()
    {
        var tenant = await silo.CreateTenantAsync();
        // The silo host's own client: the tenant goes into RequestContext directly (no client library filter there).
        CallerTenant.Set(tenant);
        Assert.Equal(TenantStatus.Active, await silo.Grains.GetGrain<ITenantGrain>(tenant.Value).GetStatusAsync());
        CallerTenant.Clear();

        using var local = silo.Client(null);
        var response = await local.GetAsync("/metrics");
        var scrape = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("pulsepoint_tenant_status_checks", scrape);
        Assert.Contains("orleans_", scrape);
    }
}
