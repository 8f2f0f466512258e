using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.HttpApi;

/// <summary>
/// The HTTP API driven by curl from a shell, as a backend in any language would (<c>deploy/tests/http-api.sh</c>), against
/// the real silo host; then the stored rows are checked here.
/// </summary>
[Collection(HttpSiloCollection.Name)]
public sealed class CurlShellTests(HttpSiloFixture silo)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task HttpApi_curl_posts_events_and_otlp_json_and_gets_the_documented_answers()
    {
        var tenant = await silo.CreateTenantAsync("curl tenant");
        await Repository.RunTestScriptAsync("http-api.sh", Timeout, new Dictionary<string, string>
        {
            ["PULSEPOINT_URL"] = silo.Address.ToString().TrimEnd('/'),
            ["PULSEPOINT_KEY"] = await silo.CreateKeyAsync(tenant),
        });
        var rows = await silo.QueryAsync(
            "select count(*) filter (where event_type = 'ai.answer_generated'), count(*) filter (where event_type = 'ai.chat' and tokens_input = 500 and tokens_cache_read = 400) from observability_events where tenant_id = $1",
            async r => { await r.ReadAsync(); return (r.GetInt64(0), r.GetInt64(1)); }, tenant.Value);
        Assert.Equal((1L, 1L), rows);
    }
}
