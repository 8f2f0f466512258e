using System.Net;
using PulsePoint.ApiKeys;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.HttpApi;

/// <summary>
/// Who may open the operator pages: with <c>OperatorAccess=ApiKey</c>, an operator's key (dashboard, any tenant's
/// insights) or a tenant's key with <c>read</c> (its own insights only: another tenant's id answers exactly as an unknown
/// one); with the default <c>Loopback</c>, loopback clients without a key and nobody else. HTTP calls against the real silo
/// host; the headless-Chromium page test is <c>InsightsPageTests</c>.
/// </summary>
public sealed class OperatorAccessTests(OperatorSiloFixture silo) : IClassFixture<OperatorSiloFixture>
{
    [Fact]
    public async Task OperatorAccess_with_api_keys_the_dashboard_needs_an_operator_key_and_health_stays_open()
    {
        var tenant = await silo.CreateTenantAsync();
        using var anonymous = silo.Client(null);
        Assert.Equal(HttpStatusCode.Unauthorized, await DashboardAsync(anonymous));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/insights?tenant={tenant}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);

        using var reader = silo.Client(await silo.CreateKeyAsync(tenant, ApiKeyScopes.Read | ApiKeyScopes.Ingest));
        Assert.Equal(HttpStatusCode.Forbidden, await DashboardAsync(reader));

        using var operatorClient = silo.Client(await silo.CreateOperatorKeyAsync());
        Assert.Equal(HttpStatusCode.OK, await DashboardAsync(operatorClient));
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync($"/insights?tenant={tenant}")).StatusCode);
    }

    [Fact]
    public async Task OperatorAccess_with_api_keys_metrics_need_an_operator_key()
    {
        var tenant = await silo.CreateTenantAsync();
        using var anonymous = silo.Client(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        using var tenantKey = silo.Client(await silo.CreateKeyAsync(tenant, ApiKeyScopes.Read | ApiKeyScopes.Ingest | ApiKeyScopes.Admin));
        Assert.Equal(HttpStatusCode.Forbidden, (await tenantKey.GetAsync("/metrics")).StatusCode);

        using var operatorClient = silo.Client(await silo.CreateOperatorKeyAsync());
        var scrape = await operatorClient.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Contains("pulsepoint_", await scrape.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OperatorAccess_a_tenant_read_key_sees_its_own_insights_and_another_tenant_exactly_as_an_unknown_one()
    {
        var a = await silo.CreateTenantAsync("A");
        var b = await silo.CreateTenantAsync("B");
        using var readerA = silo.Client(await silo.CreateKeyAsync(a, ApiKeyScopes.Read));

        var own = await readerA.GetAsync($"/insights?tenant={a}&from=2026-11-01&to=2026-11-02");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);

        var other = await readerA.GetAsync($"/insights?tenant={b}&from=2026-11-01&to=2026-11-02");
        var nobody = TenantId.New();
        var unknown = await readerA.GetAsync($"/insights?tenant={nobody}&from=2026-11-01&to=2026-11-02");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        // Word for word the unknown tenant's page, with the id that was asked for.
        Assert.Equal((await unknown.Content.ReadAsStringAsync()).Replace(nobody.ToString(), "ID"), (await other.Content.ReadAsStringAsync()).Replace(b.ToString(), "ID"));

        using var ingestOnly = silo.Client(await silo.CreateKeyAsync(a, ApiKeyScopes.Ingest));
        Assert.Equal(HttpStatusCode.Forbidden, (await ingestOnly.GetAsync($"/insights?tenant={a}")).StatusCode);
        using var operatorClient = silo.Client(await silo.CreateOperatorKeyAsync());
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync($"/insights?tenant={b}&from=2026-11-01&to=2026-11-02")).StatusCode);
    }

    /// <summary>
    /// GET /dashboard, following its redirect by hand: HttpClient drops the Authorization header on a redirect, as
    /// browsers do across origins, so the key is sent again to the page redirected to.
    /// </summary>
    internal static async Task<HttpStatusCode> DashboardAsync(HttpClient client)
    {
        var path = "/dashboard";
        for (var hops = 0; hops < 3; hops++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            using var response = await client.SendAsync(request);
            if ((int)response.StatusCode is < 300 or >= 400 || response.Headers.Location is not { } next)
            {
                return response.StatusCode;
            }

            path = next.IsAbsoluteUri ? next.PathAndQuery : next.OriginalString;
        }

        return HttpStatusCode.LoopDetected;
    }

    [Fact]
    public async Task OperatorAccess_with_api_keys_the_admin_endpoints_are_reached_from_any_address_with_a_key()
    {
        var tenant = await silo.CreateTenantAsync();
        using var admin = silo.Client(await silo.CreateOperatorKeyAsync(), IPAddress.Parse("127.0.0.31"));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/v1/admin/tenants/{tenant}/keys")).StatusCode);
    }
}
