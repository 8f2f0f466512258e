using PulsePoint.Billing;
using PulsePoint.Silo.Cli;
using PulsePoint.Storage;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Billing;

public sealed class UsageVerbTests
{
    [Fact]
    public async Task UsageVerb_prints_an_aligned_table_per_day_and_model_with_a_total()
    {
        await TestDatabase.EnsureCreatedAsync();
        await using var app = TestDatabase.CreateDataSource(TestDatabase.Application);
        var (tenant, _) = await TenantRows.CreateTenantWithBrandAsync(new TenantDatabase(app), "Usage verb");
        var day1 = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        var day2 = day1.AddDays(1);
        var catalog = new PricingCatalog(PricingFile.Default);
        await TestUsage.Ledger.InsertAsync(new[]
        {
            TestUsage.AiEvent(tenant, "claude-3-sonnet", 1_000, 500, day1),
            TestUsage.AiEvent(tenant, "claude-3-sonnet", 1_000_000, 0, day2),
            TestUsage.AiEvent(tenant, "no-such-model", 10, 0, day2),
            TestUsage.AiEvent(tenant, "claude-3-sonnet", 1, 1, day2.AddDays(5)), // outside the range
        }.Select(e => UsageRecord.FromEvent(e, catalog)!).ToArray());
        var output = new StringWriter();

        var code = await UsageVerb.RunAsync(
            ["--tenant", tenant.ToString(), "--from", "2026-11-20", "--to", "2026-11-21", $"--PulsePoint:Database:Application={TestDatabase.Application}"],
            output);

        Assert.Equal(0, code);
        Assert.Equal(
            """
            AI usage from 2026-11-20 to 2026-11-21 (UTC days)
            day         model            events    input  output  cache_read  cache_write  total_tokens  cost_usd  unpriced
            2026-11-20  claude-3-sonnet       1     1000     500           0            0          1500    0.0105         0
            2026-11-21  claude-3-sonnet       1  1000000       0           0            0       1000000      3.00         0
            2026-11-21  no-such-model         1       10       0           0            0            10      0.00         1
            total                             3  1001010     500           0            0       1001510    3.0105         1

            """.ReplaceLineEndings(),
            output.ToString().ReplaceLineEndings());
    }

    [Fact]
    public void UsageVerb_csv_and_json_keep_exact_decimals()
    {
        var report = new UsageReport(new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 20),
            [new UsageLine(new DateOnly(2026, 11, 20), "gpt-4o-mini", 1, 0, 0, 1, 0, 1, 0.000000075m, 0)]);

        Assert.Contains("2026-11-20,gpt-4o-mini,1,0,0,1,0,1,0.000000075,0", UsageVerb.Render(report, "csv"));
        Assert.Contains("\"cost_usd\": 0.000000075", UsageVerb.Render(report, "json"));
    }
}
