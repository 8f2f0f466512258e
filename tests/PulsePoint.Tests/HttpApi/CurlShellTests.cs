using System.Diagnostics;
using PulsePoint.Tenancy;

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
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot(), "deploy", "tests", "http-api.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PULSEPOINT_URL"] = silo.Address.ToString().TrimEnd('/');
        start.Environment["PULSEPOINT_KEY"] = await silo.CreateKeyAsync(tenant);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(Timeout))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"http-api.sh did not finish in {Timeout}:\n{await stdout}{await stderr}");
            }
        }

        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"http-api.sh exited {process.ExitCode}:\n{output}");
        Assert.Contains("http-api.sh: passed", output, StringComparison.Ordinal);
        var rows = await silo.QueryAsync(
            "select count(*) filter (where event_type = 'ai.answer_generated'), count(*) filter (where event_type = 'ai.chat' and tokens_input = 500 and tokens_cache_read = 400) from observability_events where tenant_id = $1",
            async r => { await r.ReadAsync(); return (r.GetInt64(0), r.GetInt64(1)); }, tenant.Value);
        Assert.Equal((1L, 1L), rows);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PulsePoint.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PulsePoint.sln not found above " + AppContext.BaseDirectory);
    }
}
