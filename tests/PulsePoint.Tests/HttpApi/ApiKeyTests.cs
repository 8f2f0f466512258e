using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PulsePoint.ApiKeys;
using PulsePoint.Silo.Cli;
using PulsePoint.Tenancy;
using static PulsePoint.Tests.HttpApi.OtlpTraceTests;

namespace PulsePoint.Tests.HttpApi;

/// <summary>
/// API keys end to end: the <c>keys</c> verbs and the admin endpoints create, list and revoke them; a key is checked from
/// its grain's memory (no database read per request); a revocation is refused on the very next request; the last-used
/// time is written coarsely.
/// </summary>
[Collection(HttpSiloCollection.Name)]
public sealed class ApiKeyTests(HttpSiloFixture silo)
{
    [Fact]
    public async Task ApiKey_cli_creates_lists_and_revokes_through_the_running_cluster_and_the_next_request_is_refused()
    {
        var tenant = await silo.CreateTenantAsync();
        var (created, errors) = await RunAsync("create", "--tenant", tenant.ToString(), "--scopes", "ingest,read", "--name", "billing-service", "--expires", "2099-01-01");
        var key = created.Trim();
        Assert.True(ApiKeySecret.TryParse(key, out var id, out var secret), created);
        Assert.Contains($"created {id} (ingest,read, expires 2099-01-01T00:00:00Z, 'billing-service')", errors);

        using var http = silo.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/traces", Json())).StatusCode);

        var (listed, _) = await RunAsync("list", "--tenant", tenant.ToString());
        Assert.Contains(id.ToString(), listed);
        Assert.Contains("active", listed);
        Assert.DoesNotContain(secret, listed);

        var (revoked, revokeErrors) = await RunAsync("revoke", "--tenant", tenant.ToString(), "--key", id.ToString());
        Assert.Equal($"revoked {id}", revoked.Trim());
        Assert.DoesNotContain("could not be reached", revokeErrors);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("/v1/traces", Json())).StatusCode);
        Assert.Contains("revoked", (await RunAsync("list", "--tenant", tenant.ToString())).Output);

        // Another tenant cannot name it: the verb answers as for a key that does not exist.
        var other = await silo.CreateTenantAsync();
        Assert.Equal(1, await KeysCommand.RunAsync(["revoke", "--tenant", other.ToString(), "--key", id.ToString(), .. HttpSiloFixture.Settings], TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public async Task ApiKey_operator_keys_are_made_by_the_cli_as_the_owner_and_manage_tenant_keys_over_http()
    {
        var (created, _) = await RunAsync("create", "--operator", "--name", "on-call");
        var operatorKey = created.Trim();
        Assert.StartsWith("pp_oper_", operatorKey);
        Assert.Contains(operatorKey[..20], (await RunAsync("list", "--operator")).Output);

        var tenant = await silo.CreateTenantAsync();
        using var admin = silo.Client(operatorKey);
        var post = await admin.PostAsJsonAsync($"/v1/admin/tenants/{tenant}/keys", new { scopes = new[] { "ingest" }, name = "from-http" });
        Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        var body = (await post.Content.ReadFromJsonAsync<JsonObject>())!;
        var tenantKey = (string)body["api_key"]!;
        var keyId = (string)body["key_id"]!;
        Assert.StartsWith(keyId + "_", tenantKey);

        // An operator key is not a tenant key: it cannot ingest.
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsync("/v1/traces", Json())).StatusCode);
        using var ingest = silo.Client(tenantKey);
        Assert.Equal(HttpStatusCode.OK, (await ingest.PostAsync("/v1/traces", Json())).StatusCode);

        var list = (await admin.GetFromJsonAsync<JsonObject>($"/v1/admin/tenants/{tenant}/keys"))!["keys"]!.AsArray();
        var listed = Assert.Single(list);
        Assert.Equal((keyId, "from-http", true), ((string)listed!["key_id"]!, (string)listed["name"]!, (bool)listed["active"]!));
        Assert.Null(listed["api_key"]);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/admin/tenants/{tenant}/keys/{keyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ingest.PostAsync("/v1/traces", Json())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/v1/admin/tenants/{TenantId.New()}/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync($"/v1/admin/tenants/{tenant}/keys", new { scopes = new[] { "root" } })).StatusCode);

        // The operator key itself is revoked through its grain too.
        Assert.Equal(0, await KeysCommand.RunAsync(["revoke", "--operator", "--key", operatorKey[..20], .. HttpSiloFixture.Settings], TextWriter.Null, TextWriter.Null));
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync($"/v1/admin/tenants/{tenant}/keys")).StatusCode);
    }

    [Fact]
    public async Task ApiKey_checks_are_answered_from_the_grains_memory_and_the_last_use_is_written_coarsely()
    {
        var tenant = await silo.CreateTenantAsync();
        var key = await silo.CreateKeyAsync(tenant);
        Assert.True(ApiKeySecret.TryParse(key, out var id, out _));
        using var http = silo.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/traces", Json())).StatusCode);

        var metrics = (ApiKeyMetrics)silo.Services.GetService(typeof(ApiKeyMetrics))!;
        var loads = metrics.TotalLoads;
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/traces", Json())).StatusCode);
        }

        // Other tests' keys may load meanwhile, and this key's timer re-reads once a second: far fewer than one load per request.
        Assert.True(metrics.TotalLoads - loads < 10, $"{metrics.TotalLoads - loads} key loads for 20 requests");

        // LastUsedWritePeriod is 0.5 s in this fixture: the time shows up within a few periods.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        ApiKeyInfo listed;
        do
        {
            await Task.Delay(200);
            listed = (await silo.Keys.ListTenantKeysAsync(tenant)).Single(k => k.Key == id);
        }
        while (listed.LastUsedAt is null && DateTime.UtcNow < deadline);

        Assert.NotNull(listed.LastUsedAt);
        Assert.InRange(listed.LastUsedAt.Value, DateTimeOffset.UtcNow.AddSeconds(-30), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task ApiKey_cli_revoke_without_a_reachable_cluster_revokes_in_postgresql_and_silos_refuse_the_key_at_their_next_refresh()
    {
        var tenant = await silo.CreateTenantAsync();
        var key = await silo.CreateKeyAsync(tenant);
        Assert.True(ApiKeySecret.TryParse(key, out var id, out _));
        using var http = silo.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/traces", Json())).StatusCode);

        var output = new StringWriter();
        var errors = new StringWriter();
        // Settings given later win: no gateway listens on port 9 (discard), so the cluster cannot be reached.
        var code = await KeysCommand.RunAsync(
            ["revoke", "--tenant", tenant.ToString(), "--key", id.ToString(), .. HttpSiloFixture.Settings, "--PulsePoint:Client:GatewayPort=9"], output, errors);
        Assert.Equal(0, code);
        Assert.Contains("the cluster could not be reached", errors.ToString());
        Assert.Contains("within PulsePoint:ApiKeys:RefreshPeriod", errors.ToString());

        // The fixture's RefreshPeriod is 1 s.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpStatusCode status;
        do
        {
            await Task.Delay(250);
            status = (await http.PostAsync("/v1/traces", Json())).StatusCode;
        }
        while (status == HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    private static async Task<(string Output, string Errors)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var code = await KeysCommand.RunAsync([.. args, .. HttpSiloFixture.Settings], output, errors);
        Assert.True(code == 0, $"keys {string.Join(' ', args)} exited {code}: {errors}");
        return (output.ToString(), errors.ToString());
    }
}
