using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using PulsePoint.ApiKeys;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.HttpApi;

/// <summary>
/// Who may open the operator pages and admin endpoints with <c>OperatorAccess=Jwt</c>: a token from the operator's identity
/// provider, checked for issuer, audience, lifetime and signature, carrying the operator role (everything) or naming a
/// tenant (its own insights only, another tenant's exactly as an unknown one); API keys as with <c>ApiKey</c>. HTTP calls
/// against the real silo host with tokens signed here.
/// </summary>
public sealed class JwtOperatorAccessTests(JwtOperatorSiloFixture silo) : IClassFixture<JwtOperatorSiloFixture>
{
    private const string Days = "from=2026-11-01&to=2026-11-02";

    [Fact]
    public async Task Jwt_an_operator_token_opens_insights_metrics_the_dashboard_and_the_admin_endpoints()
    {
        var tenant = await silo.CreateTenantAsync();
        using var operatorClient = silo.Client(silo.OperatorToken());

        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync($"/insights?tenant={tenant}&{Days}")).StatusCode);
        var scrape = await operatorClient.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        // The exposition itself (which meters have values yet depends on what ran before: MetricsEndpointTests checks those).
        Assert.Contains("# TYPE ", await scrape.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, await OperatorAccessTests.DashboardAsync(operatorClient));
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync($"/v1/admin/tenants/{tenant}/keys")).StatusCode);
    }

    [Fact]
    public async Task Jwt_the_operator_role_is_found_in_a_scope_list_and_with_the_second_key_of_the_file()
    {
        using var scoped = silo.Client(silo.Token(new Dictionary<string, object> { ["scope"] = $"openid {JwtOperatorSiloFixture.OperatorRole}" }));
        Assert.Equal(HttpStatusCode.OK, (await scoped.GetAsync("/metrics")).StatusCode);

        var rsa = new SigningCredentials(new RsaSecurityKey(silo.RsaKey), SecurityAlgorithms.RsaSha256);
        using var signedWithRsa = silo.Client(silo.Token(new Dictionary<string, object> { ["roles"] = JwtOperatorSiloFixture.OperatorRole }, key: rsa));
        Assert.Equal(HttpStatusCode.OK, (await signedWithRsa.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Jwt_no_token_gets_401_with_a_bearer_challenge_and_health_stays_open()
    {
        using var anonymous = silo.Client(null);
        Assert.Equal(HttpStatusCode.Unauthorized, await OperatorAccessTests.DashboardAsync(anonymous));
        foreach (var path in new[] { "/metrics", "/insights", $"/v1/admin/tenants/{TenantId.New()}/keys" })
        {
            var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
        }

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
    }

    public static TheoryData<string> RefusedTokens => ["expired", "wrong audience", "wrong signing key", "alg none", "HMAC", "garbage"];

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Jwt_a_token_that_fails_validation_gets_401_invalid_token_and_the_same_body(string kind)
    {
        var role = new Dictionary<string, object> { ["roles"] = JwtOperatorSiloFixture.OperatorRole };
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var token = kind switch
        {
            "expired" => silo.Token(role, lifetime: TimeSpan.FromMinutes(-10)),
            "wrong audience" => silo.Token(role, audience: "another-service"),
            "wrong signing key" => silo.Token(role, key: new SigningCredentials(new ECDsaSecurityKey(stranger), SecurityAlgorithms.EcdsaSha256)),
            "alg none" => silo.Token(role, unsigned: true),
            // A key anyone could hold: the signing algorithm must be asymmetric.
            "HMAC" => silo.Token(role, key: new SigningCredentials(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), SecurityAlgorithms.HmacSha256)),
            _ => "eyJhbGciOiJFUzI1NiJ9.not-a-token.at-all",
        };

        using var client = silo.Client(token);
        var metrics = await client.GetAsync("/metrics");
        var insights = await client.GetAsync($"/insights?tenant={TenantId.New()}&{Days}");
        var admin = await client.GetAsync($"/v1/admin/tenants/{TenantId.New()}/keys");
        foreach (var response in new[] { metrics, insights, admin })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer error=\"invalid_token\"", Assert.Single(response.Headers.WwwAuthenticate).ToString());
        }

        // Nothing says which check failed.
        using var body = JsonDocument.Parse(await metrics.Content.ReadAsStringAsync());
        Assert.Equal("Bearer token required", body.RootElement.GetProperty("title").GetString());
        Assert.Equal("The token is not valid here: check its issuer, audience, expiry and signature.", body.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Jwt_a_valid_token_without_the_operator_role_gets_403()
    {
        var tenant = await silo.CreateTenantAsync();
        using var person = silo.Client(silo.Token(new Dictionary<string, object> { ["roles"] = new[] { "reader" }, ["scope"] = "openid pulsepoint" }));
        Assert.Equal(HttpStatusCode.Forbidden, (await person.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await person.GetAsync($"/insights?tenant={tenant}&{Days}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, await OperatorAccessTests.DashboardAsync(person));
        Assert.Equal(HttpStatusCode.Forbidden, (await person.GetAsync($"/v1/admin/tenants/{tenant}/keys")).StatusCode);
    }

    [Fact]
    public async Task Jwt_a_tenant_token_sees_its_own_insights_and_another_tenant_exactly_as_an_unknown_one()
    {
        var a = await silo.CreateTenantAsync("A");
        var b = await silo.CreateTenantAsync("B");
        // The role beside the tenant claim does not widen it: a token naming a tenant is that tenant's.
        using var readerA = silo.Client(silo.Token(new Dictionary<string, object>
        {
            [JwtOperatorSiloFixture.TenantClaim] = a.ToString(),
            ["roles"] = JwtOperatorSiloFixture.OperatorRole,
        }));

        Assert.Equal(HttpStatusCode.OK, (await readerA.GetAsync($"/insights?tenant={a}&{Days}")).StatusCode);
        var other = await readerA.GetAsync($"/insights?tenant={b}&{Days}");
        var nobody = TenantId.New();
        var unknown = await readerA.GetAsync($"/insights?tenant={nobody}&{Days}");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal((await unknown.Content.ReadAsStringAsync()).Replace(nobody.ToString(), "ID"), (await other.Content.ReadAsStringAsync()).Replace(b.ToString(), "ID"));

        Assert.Equal(HttpStatusCode.Forbidden, (await readerA.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await readerA.GetAsync($"/v1/admin/tenants/{a}/keys")).StatusCode);
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("two")]
    public async Task Jwt_a_tenant_claim_that_is_not_one_tenant_id_gets_401(string value)
    {
        object claim = value == "two" ? new[] { TenantId.New().ToString(), TenantId.New().ToString() } : value;
        using var client = silo.Client(silo.Token(new Dictionary<string, object> { [JwtOperatorSiloFixture.TenantClaim] = claim }));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/insights?tenant={TenantId.New()}&{Days}")).StatusCode);
    }

    [Fact]
    public async Task Jwt_api_keys_are_still_accepted_beside_tokens()
    {
        var tenant = await silo.CreateTenantAsync();
        using var operatorKey = silo.Client(await silo.CreateOperatorKeyAsync());
        Assert.Equal(HttpStatusCode.OK, (await operatorKey.GetAsync("/metrics")).StatusCode);
        using var readKey = silo.Client(await silo.CreateKeyAsync(tenant, ApiKeyScopes.Read));
        Assert.Equal(HttpStatusCode.OK, (await readKey.GetAsync($"/insights?tenant={tenant}&{Days}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await readKey.GetAsync("/metrics")).StatusCode);

        using var revoked = silo.Client("pp_oper_aaaaaaaaaaaa_" + new string('a', 52));
        var refused = await revoked.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("API key required", body.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Jwt_no_log_line_carries_a_token_or_a_part_of_one()
    {
        var tokens = new[]
        {
            silo.OperatorToken(),
            silo.Token(new Dictionary<string, object> { ["roles"] = JwtOperatorSiloFixture.OperatorRole }, lifetime: TimeSpan.FromMinutes(-10)),
            silo.Token(new Dictionary<string, object> { ["roles"] = JwtOperatorSiloFixture.OperatorRole }, audience: "another-service"),
            silo.Token(new Dictionary<string, object> { ["roles"] = "reader" }),
        };
        foreach (var token in tokens)
        {
            using var client = silo.Client(token);
            await client.GetAsync("/metrics");
        }

        var logs = silo.Logs.Lines;
        Assert.Contains(logs, line => line.Contains("Microsoft.AspNetCore.Authentication", StringComparison.Ordinal));
        foreach (var token in tokens)
        {
            // Header, payload and signature each: none may appear, whole or alone.
            foreach (var part in token.Split('.'))
            {
                Assert.DoesNotContain(logs, line => line.Contains(part, StringComparison.Ordinal));
            }
        }

        Assert.DoesNotContain(logs, line => line.Contains("another-service", StringComparison.Ordinal) || line.Contains("person-", StringComparison.Ordinal));
    }
}
