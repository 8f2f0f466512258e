using PulsePoint.Silo.Cli;
using PulsePoint.Storage;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Hosting;

public sealed class ApplicationRoleCheckTests
{
    [Fact]
    public async Task RoleCheck_accepts_the_application_role()
    {
        await TestDatabase.EnsureCreatedAsync();
        await using var application = TestDatabase.CreateDataSource(TestDatabase.Application);

        await ApplicationRoleCheck.VerifyAsync(application);
    }

    [Fact]
    public async Task RoleCheck_refuses_a_role_with_bypassrls()
    {
        await TestDatabase.EnsureCreatedAsync();
        await using var pipeline = TestDatabase.CreateDataSource(TestDatabase.Pipeline);

        var error = await Assert.ThrowsAsync<UnsafeDatabaseRoleException>(() => ApplicationRoleCheck.VerifyAsync(pipeline));
        Assert.Contains("has BYPASSRLS", error.Message);
    }

    [Fact]
    public async Task RoleCheck_refuses_the_owner_of_tenant_tables()
    {
        await TestDatabase.EnsureCreatedAsync();
        await using var owner = TestDatabase.CreateDataSource(TestDatabase.Owner);

        var error = await Assert.ThrowsAsync<UnsafeDatabaseRoleException>(() => ApplicationRoleCheck.VerifyAsync(owner));
        Assert.Contains("owns tenant tables", error.Message);
        Assert.Contains("brands", error.Message);
    }

    [Fact]
    public async Task RoleCheck_refuses_a_role_that_may_touch_orleans_grain_state()
    {
        await TestDatabase.EnsureCreatedAsync();
        await using var orleans = TestDatabase.CreateDataSource(TestDatabase.Orleans);

        var error = await Assert.ThrowsAsync<UnsafeDatabaseRoleException>(() => ApplicationRoleCheck.VerifyAsync(orleans));
        Assert.Contains("may touch Orleans' tables", error.Message);
        Assert.Contains("orleansstorage", error.Message);
    }

    [Fact]
    public async Task Silo_refuses_to_start_without_the_tenant_context_key()
    {
        var exit = await RefusedRunAsync(
        [
            "run",
            $"--PulsePoint:Database:Application={TestDatabase.Application}",
            $"--PulsePoint:Database:Orleans={TestDatabase.Orleans}",
            "--PulsePoint:Silo:WebUrl=http://127.0.0.1:0",
            "--PulsePoint:Silo:SiloPort=21112",
            "--PulsePoint:Silo:GatewayPort=40001",
        ]);

        Assert.Equal(2, exit);
    }

    [Fact]
    public async Task Silo_refuses_to_start_with_a_bypassrls_application_role()
    {
        await TestDatabase.EnsureCreatedAsync();

        var exit = await RefusedRunAsync(
        [
            "run",
            $"--PulsePoint:Database:Application={TestDatabase.Pipeline}",
            $"--PulsePoint:Database:Orleans={TestDatabase.Orleans}",
            $"--PulsePoint:Database:TenantContextKey={TestDatabase.TenantContextKey}",
            "--PulsePoint:Silo:WebUrl=http://127.0.0.1:0",
            "--PulsePoint:Silo:SiloPort=21111",
            "--PulsePoint:Silo:GatewayPort=40000",
        ]);

        Assert.Equal(3, exit);
    }

    [Fact]
    public async Task Silo_reports_bad_configuration_with_exit_code_2()
    {
        var exit = await RefusedRunAsync(["run", "--PulsePoint:Silo:SiloPort=99999", $"--PulsePoint:Database:Application={TestDatabase.Application}", $"--PulsePoint:Database:Orleans={TestDatabase.Orleans}", $"--PulsePoint:Database:TenantContextKey={TestDatabase.TenantContextKey}"]);

        Assert.Equal(2, exit);
    }

    /// <summary>
    /// Runs a silo that must refuse to start; should it start instead, the test fails after a minute rather than waiting
    /// for a shutdown that never comes (the running silo is left to the end of the test process).
    /// </summary>
    private static async Task<int> RefusedRunAsync(string[] args)
    {
        var run = SiloCommandLine.RunAsync(args);
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(1)));
        Assert.True(finished == run, "the silo started instead of refusing to");
        return await run;
    }
}
