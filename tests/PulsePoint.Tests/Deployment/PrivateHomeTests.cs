using System.Diagnostics;

namespace PulsePoint.Tests.Deployment;

/// <summary>
/// The README's commands run as root from a clone under a private home folder (mode 0700, as /root is):
/// <c>deploy/tests/private-home.sh</c> clones the repository into such a folder and checks that
/// <c>deploy/postgres.sh</c> runs PostgreSQL in a folder the postgres user can reach, and that every verb
/// finds it. Its port is PULSEPOINT_PRIVATE_HOME_PG_PORT, by default PULSEPOINT_PG_PORT + 1000.
/// </summary>
public sealed class PrivateHomeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [RootFact]
    public async Task Postgres_sh_run_as_root_from_a_private_home_keeps_its_cluster_where_the_postgres_user_can_reach_it()
    {
        var script = Path.Combine(RepositoryRoot(), "deploy", "tests", "private-home.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
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
                Assert.Fail($"private-home.sh did not finish in {Timeout}:\n{await stdout}{await stderr}");
            }
        }

        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"private-home.sh exited {process.ExitCode}:\n{output}");
        Assert.Contains("private-home.sh: passed", output, StringComparison.Ordinal);
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

    /// <summary>Skipped unless the tests run as root on Linux: only root runs the server as the postgres user.</summary>
    private sealed class RootFactAttribute : FactAttribute
    {
        public RootFactAttribute()
        {
            if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
            {
                Skip = "deploy/postgres.sh falls back to another data folder only when run as root";
            }
        }
    }
}
