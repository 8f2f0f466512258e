using System.Text.Json;
using PulsePoint.Silo.Cli;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;
using static PulsePoint.Tests.Analytics.AnalyticsEvents;

namespace PulsePoint.Tests.Analytics;

/// <summary>The <c>report</c> verb on a real DuckDB file (opened read-only once the writer is gone) and the real test PostgreSQL.</summary>
public sealed class ReportVerbTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Report_prints_aligned_tables_json_and_csv()
    {
        string path;
        TenantId tenant;
        await using (var store = await AnalyticsTestWarehouse.CreateAsync())
        {
            tenant = await store.CreateTenantAsync("Report", 0.01m);
            await store.Warehouse.DeliverAsync(
                [
                    Ai(tenant, Day.AddHours(1), "claude-3-sonnet", 1000, 400, 1400, 0.012m, durationMs: 100),
                    Ai(tenant, Day.AddHours(2), "gpt-4o", 50, 25, 75, 0.0005m, durationMs: 20),
                ],
                CancellationToken.None);
            path = Path.Combine(Path.GetTempPath(), "pulsepoint-report-" + Guid.NewGuid().ToString("N") + ".duckdb");
            // Closing the writer checkpoints the file; the verb then opens a copy as a separate reader would.
            await store.Warehouse.DisposeAsync();
            File.Copy(store.Path, path);
        }

        try
        {
            var (code, table) = await RunAsync(path, tenant, "usage", "table");
            Assert.Equal(0, code);
            Assert.Equal(
                """
                Daily token usage per model
                ────────────────────────────────────────────────────────────────────────────────────────────────────────────────
                  day          model             input tokens   output tokens   total tokens   cost USD    avg ms   operations
                ────────────────────────────────────────────────────────────────────────────────────────────────────────────────
                  2026-11-02   claude-3-sonnet          1,000             400          1,400      0.012   100.000            1
                  2026-11-02   gpt-4o                      50              25             75     0.0005    20.000            1
                ────────────────────────────────────────────────────────────────────────────────────────────────────────────────


                """.ReplaceLineEndings(), table);

            // CSV: the same values, no thousands separators, money exact.
            var (_, cost) = await RunAsync(path, tenant, "cost", "csv");
            Assert.Equal("day,cost USD,threshold USD,of threshold,events,over\n2026-11-02,0.0125,0.01,125.0%,2,OVER\n".ReplaceLineEndings(), cost);
            var (_, usageCsv) = await RunAsync(path, tenant, "usage", "csv");
            Assert.Equal(
                "day,model,input tokens,output tokens,total tokens,cost USD,avg ms,operations\n2026-11-02,claude-3-sonnet,1000,400,1400,0.012,100.000,1\n2026-11-02,gpt-4o,50,25,75,0.0005,20.000,1\n".ReplaceLineEndings(),
                usageCsv);

            var (_, json) = await RunAsync(path, tenant, "all", "json");
            using var document = JsonDocument.Parse(json);
            var usage = document.RootElement.GetProperty("reports").GetProperty("usage");
            Assert.Equal(2, usage.GetArrayLength());
            Assert.Equal(1400, usage[0].GetProperty("totalTokens").GetInt64());
            Assert.Equal(0, document.RootElement.GetProperty("reports").GetProperty("latency").GetArrayLength());

            var (inverted, _, invertedError) = await RunWithErrorAsync(path, tenant, "all", "table", from: "2026-11-03", to: "2026-11-02");
            Assert.Equal(2, inverted);
            Assert.StartsWith("PulsePoint.Silo: report: the range is inverted", invertedError);
            var (unknown, _) = await RunAsync(path, TenantId.New(), "cost", "table");
            Assert.Equal(1, unknown);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--from 2026-11-01 --to 2026-11-02", "Option '--tenant' is required")]
    [InlineData("--tenant not-a-uuid --from 2026-11-01 --to 2026-11-02", "--tenant must be a tenant id (a canonical UUID), not 'not-a-uuid'")]
    [InlineData("--tenant 11111111-1111-4111-8111-111111111111 --from 01/11/2026 --to 2026-11-02", "--from must be a date like 2026-11-01, not '01/11/2026'")]
    [InlineData("--tenant 11111111-1111-4111-8111-111111111111 --from 2026-11-01 --to 2026-11-02 --report spend", "--report must be all, usage, accuracy, latency, cost or errors, not 'spend'")]
    [InlineData("--tenant 11111111-1111-4111-8111-111111111111 --from 2026-11-01 --to 2026-11-02 --verbose", "unknown option '--verbose'")]
    public async Task Report_bad_usage_exits_2_with_one_line(string arguments, string message)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await SiloCommandLine.RunAsync(["report", .. arguments.Split(' ')], output, error);

        Assert.Equal(2, code);
        Assert.Equal("", output.ToString());
        Assert.Equal($"PulsePoint.Silo: report: {message} (see PulsePoint.Silo report --help){Environment.NewLine}", error.ToString());
    }

    private static async Task<(int Code, string Output)> RunAsync(
        string path, TenantId tenant, string report, string format, string from = "2026-11-01", string to = "2026-11-02")
    {
        var (code, output, _) = await RunWithErrorAsync(path, tenant, report, format, from, to);
        return (code, output);
    }

    private static async Task<(int Code, string Output, string Error)> RunWithErrorAsync(
        string path, TenantId tenant, string report, string format, string from = "2026-11-01", string to = "2026-11-02")
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await SiloCommandLine.RunAsync(
            [
                "report", "--tenant", tenant.ToString(), "--from", from, "--to", to, "--report", report, "--format", format,
                $"--PulsePoint:Destinations:DuckDb:Path={path}", $"--PulsePoint:Database:Application={TestDatabase.Application}",
                $"--PulsePoint:Database:TenantContextKey={TestDatabase.TenantContextKey}",
            ],
            output, error);
        return (code, output.ToString(), error.ToString());
    }
}
