using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Silo.Cli;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Billing;

/// <summary><c>limits set|list|remove|time-zone</c> on the real test database, read back by the tenant's billing grain.</summary>
[Collection(SpendLimitClusterCollection.Name)]
public sealed class LimitsVerbTests(BillingClusterFixture fixture)
{
    private static readonly string[] Settings = [$"--PulsePoint:Database:Application={TestDatabase.Application}", $"--PulsePoint:Database:TenantContextKey={TestDatabase.TenantContextKey}"];

    [Fact]
    public async Task LimitsVerb_sets_lists_and_removes_limits_the_billing_grain_then_enforces()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Client);
        var id = tenant.ToString();

        var set = await RunAsync("set", "--tenant", id, "--scope", "user", "--subject", "*", "--period", "month", "--usd", "2.5");
        Assert.True(set.Code == 0, set.Error);
        Assert.Contains("user (each): 2.50 USD per month", set.Output);
        Assert.Equal(0, (await RunAsync("set", "--tenant", id, "--scope", "feature", "--subject", "chat", "--period", "minute", "--tokens", "5000")).Code);
        Assert.Equal(0, (await RunAsync("time-zone", "--tenant", id, "--zone", "Asia/Kolkata")).Code);

        var listed = await RunAsync("list", "--tenant", id);
        Assert.Contains("time zone Asia/Kolkata, 2 spend limit(s)", listed.Output);
        Assert.Contains("feature chat: 5000 tokens per minute", listed.Output);

        // The grain reads the limits on its next settings load (here: its activation).
        var admin = fixture.Client.GetGrain<ITenantBillingAdminGrain>(tenant.Value);
        Assert.Equal(("Asia/Kolkata", 2), await admin.ListSpendLimitsAsync() is var (zone, limits) ? (zone, limits.Count) : default);
        using (TenantScope.Begin(tenant))
        {
            var denied = await fixture.Client.GetGrain<ITenantBillingGrain>(tenant.Value).ReserveAsync(new SpendRequest(3m, UserId: "anyone"));
            Assert.Equal((false, SpendScope.User, "anyone"), (denied.Granted, denied.DeniedBy!.Scope, denied.DeniedBy.Subject));
        }

        Assert.Equal(0, (await RunAsync("remove", "--tenant", id, "--scope", "user", "--subject", "*", "--period", "month")).Code);
        var again = await RunAsync("remove", "--tenant", id, "--scope", "user", "--subject", "*", "--period", "month");
        Assert.NotEqual(0, again.Code);
        Assert.Contains("has no such limit", again.Error);
    }

    [Theory]
    [InlineData("set --scope tenant --subject x --period day --usd 1", "--scope tenant takes no --subject")]
    [InlineData("set --scope user --period day --usd 1", "--scope user needs --subject")]
    [InlineData("set --scope tenant --period day --tokens 5", "tokens are limited per minute only")]
    [InlineData("set --scope tenant --period day", "needs an amount in USD or in tokens")]
    [InlineData("set --scope tenant --period week --usd 1", "--period must be day, month or minute")]
    [InlineData("set --scope tenant --period day --usd -1", "--usd must be a decimal number")]
    [InlineData("time-zone --zone Mars/Base", "not an IANA time zone")]
    public async Task LimitsVerb_refuses_bad_input_with_one_clear_line(string args, string expected)
    {
        var tenant = await TestTenants.CreateAsync(fixture.Client);
        var (code, _, error) = await RunAsync([.. args.Split(' ').Take(1), "--tenant", tenant.ToString(), .. args.Split(' ').Skip(1)]);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, error);
        Assert.Empty((await fixture.Client.GetGrain<ITenantBillingAdminGrain>(tenant.Value).ListSpendLimitsAsync()).Limits);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await LimitsCommand.RunAsync([.. args, .. Settings], output, error);
        return (code, output.ToString(), error.ToString());
    }
}
