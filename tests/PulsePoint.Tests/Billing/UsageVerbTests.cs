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
        var (tenant, _) = await TenantRows.CreateTenantWithBrandAsync(new TenantDatabase(app, TestDatabase.TenantContext), "Usage verb");
        var day1 = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        var day2 = day1.AddDays(1);
        var catalog = TestPrices.Catalog;
        await TestUsage.Ledger.InsertAsync(new[]
        {
            TestUsage.AiEvent(tenant, "claude-3-sonnet", 1_000, 500, day1),
            TestUsage.AiEvent(tenant, "claude-3-sonnet", 1_000_000, 0, day2),
            TestUsage.AiEvent(tenant, "no-such-model", 10, 0, day2),
            TestUsage.AiEvent(tenant, "claude-3-sonnet", 1, 1, day2.AddDays(5)), // outside the range
        }.Select(e => UsageRecord.FromEvent(e, catalog)!).ToArray());
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await SiloCommandLine.RunAsync(
            ["usage", "--tenant", tenant.ToString(), "--from", "2026-11-20", "--to", "2026-11-21",
             $"--PulsePoint:Database:Application={TestDatabase.Application}", $"--PulsePoint:Database:TenantContextKey={TestDatabase.TenantContextKey}"],
            output, error);

        Assert.True(code == 0, error.ToString());
        Assert.Equal(
            """
            AI usage from 2026-11-20 to 2026-11-21 (UTC days)
            ──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
              day          model             events       input   output   cache_read   cache_write   total_tokens   cost_usd   unpriced
            ──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
              2026-11-20   claude-3-sonnet        1       1,000      500            0             0          1,500     0.0105          0
              2026-11-21   claude-3-sonnet        1   1,000,000        0            0             0      1,000,000       3.00          0
              2026-11-21   no-such-model          1          10        0            0             0             10       0.00          1
            ──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
              total                               3   1,001,010      500            0             0      1,001,510     3.0105          1
            ──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────

            """.ReplaceLineEndings(),
            output.ToString().ReplaceLineEndings());
    }

    [Fact]
    public void UsageVerb_csv_and_json_keep_exact_decimals_and_quote_as_RFC_4180_says()
    {
        var report = new UsageReport(new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 20),
        [
            new UsageLine(new DateOnly(2026, 11, 20), "gpt-4o-mini", 1, 0, 0, 1, 0, 1, 0.000000075m, 0),
            new UsageLine(new DateOnly(2026, 11, 20), "vendor \"x\", large", 2, 1_500, 0, 0, 0, 1_500, 3m, 0),
        ]);

        Assert.Equal(
            """
            day,model,events,input,output,cache_read,cache_write,total_tokens,cost_usd,unpriced
            2026-11-20,gpt-4o-mini,1,0,0,1,0,1,0.000000075,0
            2026-11-20,"vendor ""x"", large",2,1500,0,0,0,1500,3.00,0

            """.ReplaceLineEndings(),
            Render(report, "csv"));
        Assert.Contains("\"cost_usd\": 0.000000075", Render(report, "json"));
    }

    [Theory]
    [InlineData("--from 2026-11-20 --to 2026-11-21", "Option '--tenant' is required")]
    [InlineData("--tenant 11111111-1111-4111-8111-111111111111 --from 2026-11-31 --to 2026-12-01", "--from must be a date like 2026-11-01, not '2026-11-31'")]
    [InlineData("--tenant 11111111-1111-4111-8111-111111111111 --from 2026-11-20 --to 2026-11-21 --format xml", "--format must be table, json or csv, not 'xml'")]
    [InlineData("--tenant 11111111-1111-4111-8111-111111111111 --from 2026-11-20 --to 2026-11-21 --tenants 3", "unknown option '--tenants'")]
    [InlineData("--tenant 11111111-1111-4111-8111-111111111111 --from 2026-11-21 --to 2026-11-20", "--to must not be before --from, and the range covers at most 366 days")]
    public async Task UsageVerb_bad_usage_exits_2_with_one_line(string arguments, string message)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await SiloCommandLine.RunAsync(["usage", .. arguments.Split(' ')], output, error);

        Assert.Equal(2, code);
        Assert.Equal("", output.ToString());
        Assert.Equal($"PulsePoint.Silo: usage: {message} (see PulsePoint.Silo usage --help){Environment.NewLine}", error.ToString());
    }

    private static string Render(UsageReport report, string format)
    {
        var output = new StringWriter();
        UsageVerb.Write(report, format, output);
        return output.ToString();
    }
}
