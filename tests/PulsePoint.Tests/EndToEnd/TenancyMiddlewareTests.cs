using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PulsePoint.Client;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.EndToEnd;

/// <summary>The tenancy middleware over real HTTP, in the sample backend service, against the test cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TenancyMiddlewareTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Middleware_admits_an_active_tenant_and_scopes_the_request_to_it()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Client, "Http tenant");
        await using var service = await SampleServiceHost.StartAsync(fixture.Client);

        using var response = await service.Http.SendAsync(Request(tenant.ToString()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(tenant.ToString(), body.RootElement.GetProperty("tenant").GetString());
        Assert.Equal("Http tenant", body.RootElement.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("x' OR 1=1 --")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public async Task Middleware_answers_400_problem_details_for_a_malformed_tenant(string tenant)
    {
        await using var service = await SampleServiceHost.StartAsync(fixture.Client);

        using var response = await service.Http.SendAsync(Request(tenant));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, body.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("Malformed tenant id", body.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Middleware_answers_403_for_unknown_and_at_once_for_deactivated_tenants_with_the_same_body()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Client);
        await using var service = await SampleServiceHost.StartAsync(fixture.Client);
        Assert.Equal(HttpStatusCode.OK, (await service.Http.SendAsync(Request(tenant.ToString()))).StatusCode);

        using var unknown = await service.Http.SendAsync(Request(TenantId.New().ToString()));
        using (TenantScope.Begin(tenant))
        {
            await fixture.Client.GetGrain<ITenantAdminGrain>(tenant.Value).DeactivateAsync();
        }

        using var deactivated = await service.Http.SendAsync(Request(tenant.ToString()));

        Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, deactivated.StatusCode);
        Assert.Equal(await ProblemAsync(unknown), await ProblemAsync(deactivated));
    }

    /// <summary>The problem's fixed fields (the trace id differs per request by design).</summary>
    private static async Task<string> ProblemAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        return $"{root.GetProperty("status")}|{root.GetProperty("title")}|{root.GetProperty("detail")}|{root.GetProperty("type")}";
    }

    [Fact]
    public async Task Middleware_answers_401_without_a_tenant_and_ignores_untrusted_headers()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Client);
        await using var service = await SampleServiceHost.StartAsync(fixture.Client);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/tenant");
        request.Headers.Add("X-Tenant-Id", tenant.ToString());

        using var response = await service.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.Http.GetAsync("/healthz")).StatusCode);
    }

    private static HttpRequestMessage Request(string tenant) => new(HttpMethod.Get, "/api/tenant")
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Demo", $"tenant={tenant};user=alice") },
    };
}
