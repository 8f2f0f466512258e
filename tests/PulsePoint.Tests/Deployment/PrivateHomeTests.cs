using PulsePoint.Tests.Infrastructure;

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
        await Repository.RunTestScriptAsync("private-home.sh", Timeout);
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
