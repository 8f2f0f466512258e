using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PulsePoint.Billing;
using PulsePoint.Events;
using PulsePoint.Silo.Cli;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Events;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Billing;

/// <summary>
/// The <c>reconcile</c> verb on the real test PostgreSQL (events and usage rows written by the silo's event store), the
/// real test cluster's tenant grains (live counters) and a real DuckDB warehouse file: what agrees exits 0, each kind of
/// drift exits 1 with the line that names it, usage errors exit 2 with one line.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReconcileVerbTests(ClusterFixture fixture)
{
    private static readonly DateOnly Today = ReconcileTenant.Today;
    private static readonly DateOnly Yesterday = Today.AddDays(-1);

    /// <summary>
    /// Today: catalog-priced claude-3-sonnet (1,000 × $3 + 500 × $15 per million = 0.0105), a caller-given 0.25, an
    /// unpriced model, an API request; yesterday: 2,000 × $3 + 1,000 × $15 per million = 0.021. All of it delivered.
    /// </summary>
    private static async Task<IReadOnlyList<StructuredEvent>> SeedAsync(ReconcileTenant tenant)
    {
        var yesterday = await tenant.StoreAsync(tenant.Ai("claude-3-sonnet", 2_000, 1_000, at: DateTimeOffset.UtcNow.AddDays(-1)));
        var today = await tenant.StoreAsync(
            tenant.Ai("claude-3-sonnet", 1_000, 500),
            tenant.Ai("gpt-4o", 10, 10, costUsd: 0.25m),
            tenant.Ai("no-such-model", 40, 0),
            TestEvents.Request(tenant.Tenant));
        return [.. yesterday, .. today];
    }

    [Fact]
    public async Task Reconcile_prints_an_all_ok_table_and_exits_0_when_ledger_events_counters_and_warehouse_agree()
    {
        await using var tenant = await ReconcileTenant.CreateAsync(fixture);
        await tenant.DeliverAsync(await SeedAsync(tenant));

        var (code, output, error) = await tenant.ReconcileAsync("--settle", "0", "--lag", "0");

        Assert.True(code == 0, output + error);
        var lines = output.ReplaceLineEndings("\n").Split('\n');
        Assert.Equal($"AI cost per tenant and UTC day from {Day(Today.AddDays(-6))} to {Day(Today)}, each source against the ledger at 12 decimals", lines[0]);
        // Amounts right-aligned at 12 decimals; a rule above and below the headers and below the rows.
        Assert.Equal(
            [
                "  tenant                                 day              ledger_usd   unpriced       events_usd     counters_usd    warehouse_usd   status",
                $"  {tenant.Tenant}   {Day(Yesterday)}   0.021000000000          0   0.021000000000                —   0.021000000000   ok",
                $"  {tenant.Tenant}   {Day(Today)}   0.260500000000          1   0.260500000000   0.260500000000   0.260500000000   ok",
            ],
            [lines[2], lines[4], lines[5]]);
        Assert.All(new[] { lines[1], lines[3], lines[6] }, rule => Assert.Matches("^─+$", rule));
        Assert.Single(lines, l => l.StartsWith("counters:  tenant grains", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("warehouse: DuckDB file ", StringComparison.Ordinal));
        Assert.Equal("reconcile: 7 tenant-days checked, 0 drifted (5 without AI usage or cost in any source, not listed)", lines.Last(l => l.Length > 0));
    }

    [Fact]
    public async Task Reconcile_leaves_the_newest_events_out_of_the_warehouse_comparison_while_they_may_be_on_their_way()
    {
        await using var tenant = await ReconcileTenant.CreateAsync(fixture);
        var older = await tenant.StoreAsync(tenant.Ai("claude-3-sonnet", 2_000, 1_000, at: DateTimeOffset.UtcNow.AddMinutes(-10)));
        // Stored and counted a moment ago; the warehouse has not received it yet.
        await tenant.StoreAsync(tenant.Ai("claude-3-sonnet", 1_000, 500));
        await tenant.DeliverAsync(older);

        var (live, liveOutput, liveError) = await tenant.ReconcileAsync("--from", Day(Today), "--to", Day(Today), "--settle", "0");
        var (whole, wholeOutput, _) = await tenant.ReconcileAsync("--from", Day(Today), "--to", Day(Today), "--settle", "0", "--lag", "0");

        // With the default two minutes the warehouse is compared for the older event only; the counters for the whole day.
        Assert.True(live == 0, liveOutput + liveError);
        Has(liveOutput, $"{Day(Today)}*   0.031500000000          0   0.021000000000   0.031500000000   0.021000000000   ok");
        Has(liveOutput, "live *:    events and warehouse compared for events before ");
        Assert.Equal(1, whole);
        Has(wholeOutput, "DRIFT warehouse 0.021000000000 ≠ ledger 0.031500000000");
        Assert.DoesNotContain("DRIFT counters", wholeOutput);
    }

    [Fact]
    public async Task Reconcile_reports_a_warehouse_row_missing_as_drift()
    {
        await using var tenant = await ReconcileTenant.CreateAsync(fixture);
        var stored = await SeedAsync(tenant);
        await tenant.DeliverAsync(stored.Where(e => e.CostUsd != 0.25m));

        var (code, output, _) = await tenant.ReconcileAsync("--from", Day(Yesterday), "--to", Day(Today), "--settle", "0", "--lag", "0");

        Assert.Equal(1, code);
        Has(output, $"{Day(Today)}   0.260500000000          1   0.260500000000   0.260500000000   0.010500000000   DRIFT warehouse 0.010500000000 ≠ ledger 0.260500000000");
        Has(output, $"{Day(Yesterday)}   0.021000000000          0   0.021000000000                —   0.021000000000   ok");
        Assert.EndsWith("reconcile: 2 tenant-days checked, 1 drifted" + Environment.NewLine, output);
    }

    [Fact]
    public async Task Reconcile_reports_a_live_counter_that_is_off_as_drift()
    {
        await using var tenant = await ReconcileTenant.CreateAsync(fixture);
        await tenant.DeliverAsync(await SeedAsync(tenant));
        // Usage the ledger never recorded, added straight to the tenant grain's counters.
        await tenant.AddToCountersAsync(new UsageBatch([new UsageLine(Today, "claude-3-sonnet", 1, 100, 0, 0, 0, 100, 0.5m, 0)], [], TransactionId: null));

        var (code, output, _) = await tenant.ReconcileAsync("--from", Day(Yesterday), "--to", Day(Today), "--settle", "0", "--lag", "0");

        Assert.Equal(1, code);
        Has(output, $"{Day(Today)}   0.260500000000          1   0.260500000000   0.760500000000   0.260500000000   DRIFT counters 0.760500000000 ≠ ledger 0.260500000000");
        Assert.EndsWith("reconcile: 2 tenant-days checked, 1 drifted" + Environment.NewLine, output);
    }

    [Fact]
    public async Task Reconcile_reports_an_AI_cost_in_the_warehouse_that_the_ledger_does_not_have_as_drift()
    {
        await using var tenant = await ReconcileTenant.CreateAsync(fixture);
        await tenant.DeliverAsync(await SeedAsync(tenant));
        // An AI event only the warehouse has: never stored, never billed.
        await tenant.DeliverAsync([tenant.Ai("claude-3-sonnet", 1, 1, costUsd: 0.1m)]);

        var (code, output, _) = await tenant.ReconcileAsync("--from", Day(Yesterday), "--to", Day(Today), "--settle", "0", "--lag", "0");

        Assert.Equal(1, code);
        Has(output, "DRIFT warehouse 0.360500000000 ≠ ledger 0.260500000000");
        Assert.DoesNotContain("DRIFT events", output);
        Assert.DoesNotContain("DRIFT counters", output);
    }

    /// <summary>
    /// A cost alert is a billing event about spend, not spend: the warehouse's daily cost sums AI events only, so an alert
    /// that carries a cost is no drift. (Holds once DailyCostSql sums ai.operations events only.)
    /// </summary>
    [Fact]
    public async Task Reconcile_does_not_count_a_cost_alert_that_carries_a_cost_in_the_warehouse()
    {
        await using var tenant = await ReconcileTenant.CreateAsync(fixture);
        var stored = await SeedAsync(tenant);
        var alert = new StructuredEvent
        {
            EventId = Guid.NewGuid(),
            TenantId = tenant.Tenant,
            Category = EventCategory.Billing,
            EventType = EventTypes.CostAlert,
            Severity = EventSeverity.Warning,
            Timestamp = DateTimeOffset.UtcNow,
            CostUsd = 0.2605m,
            ErrorCode = "cost_threshold_50pct",
        };
        var withAlert = stored.Concat(await tenant.StoreAsync(alert));
        await tenant.DeliverAsync(withAlert);

        var (code, output, error) = await tenant.ReconcileAsync("--from", Day(Yesterday), "--to", Day(Today), "--settle", "0", "--lag", "0");

        Assert.True(code == 0, output + error);
        Assert.DoesNotContain("DRIFT", output);
    }

    [Fact]
    public async Task Reconcile_reads_a_disagreeing_day_again_and_accepts_it_once_the_late_counter_update_arrives()
    {
        await using var tenant = await ReconcileTenant.CreateAsync(fixture);
        await tenant.DeliverAsync(await SeedAsync(tenant));
        // A committed batch whose counter update is still on its way, as right after a flush: 1,000,000 × $3 per million.
        var late = await tenant.StoreWithoutCountersAsync(tenant.Ai("claude-3-sonnet", 1_000_000, 0));
        await tenant.DeliverAsync(late.Stored);

        var reconcile = tenant.ReconcileAsync("--from", Day(Today), "--to", Day(Today), "--settle", "30", "--lag", "0");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await tenant.AddToCountersAsync(late.Usage.PerTenant()[tenant.Tenant]);
        var (code, output, error) = await reconcile;

        Assert.True(code == 0, output + error);
        Has(output, $"{Day(Today)}   3.260500000000          1   3.260500000000   3.260500000000   3.260500000000   ok");
    }

    [Fact]
    public async Task Reconcile_without_a_reachable_cluster_says_counters_not_checked_and_that_alone_is_no_drift()
    {
        await using var tenant = await ReconcileTenant.CreateAsync(fixture);
        await tenant.DeliverAsync(await SeedAsync(tenant));
        var closedPort = FreePort();
        var output = new StringWriter();

        var code = await SiloCommandLine.RunAsync(
            [
                "reconcile", "--tenant", tenant.Tenant.ToString(), "--from", Day(Today), "--to", Day(Today), "--settle", "0", "--lag", "0",
                $"--PulsePoint:Silo:GatewayPort={closedPort}", .. ReconcileTenant.Settings("/nonexistent/warehouse.duckdb"),
            ],
            output, new StringWriter());

        Assert.True(code == 0, output.ToString());
        Has(output.ToString(), "0.260500000000          1   0.260500000000    not checked     not checked   ok");
        Has(output.ToString(), $"counters:  not checked: no cluster reachable at the gateway 127.0.0.1:{closedPort} (");
        Has(output.ToString(), "warehouse: not checked: the DuckDB file /nonexistent/warehouse.duckdb does not exist");
    }

    [Theory]
    [InlineData("--tenant not-a-tenant", "--tenant must be a tenant id (a canonical UUID), not 'not-a-tenant'")]
    [InlineData("--from 2026-02-30", "--from must be a date like 2026-11-01, not '2026-02-30'")]
    [InlineData("--from 2026-11-05 --to 2026-11-01", "--to 2026-11-01 is before --from 2026-11-05")]
    [InlineData("--from 2025-01-01 --to 2026-11-01", "the range covers 670 days; at most 366")]
    [InlineData("--since 2026-11-01", "unknown option '--since'")]
    [InlineData("extra", "unexpected argument 'extra'")]
    [InlineData("--counters maybe", "--counters must be cluster or skip, not 'maybe'")]
    [InlineData("--settle -1", "--settle must be a number of seconds from 0 to 600, not '-1'")]
    [InlineData("--lag 4000", "--lag must be a number of seconds from 0 to 3600, not '4000'")]
    [InlineData("--tenant 0b8f4ad4-4c55-4ef5-9a43-8c3c1c1b6a55", "no tenant has the id 0b8f4ad4-4c55-4ef5-9a43-8c3c1c1b6a55")]
    public async Task Reconcile_usage_errors_exit_2_with_one_line(string arguments, string message)
    {
        await TestDatabase.EnsureCreatedAsync();
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await SiloCommandLine.RunAsync(
            ["reconcile", .. arguments.Split(' '), .. ReconcileTenant.Settings("/nonexistent/warehouse.duckdb")], output, error);

        Assert.Equal(2, code);
        Assert.Equal("", output.ToString());
        var line = Assert.Single(error.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'));
        Assert.Equal("PulsePoint.Silo: reconcile: " + message + " (see PulsePoint.Silo reconcile --help)", line);
    }

    [Fact]
    public async Task Reconcile_without_a_tenant_checks_every_tenant_and_every_billed_id_listed_by_the_pipeline_role()
    {
        var database = TestDatabase.ForCluster("pulsepoint_test_reconcile");
        await database.EnsureCreatedAsync();
        await using var sources = new DataSources(Options.Create(new DatabaseOptions { Application = database.Application, Pipeline = database.Pipeline, TenantContextKey = TestDatabase.TenantContextKey }));
        var app = new TenantDatabase(sources.Application, TestDatabase.TenantContext);
        var quiet = await CreateTenantAsync(app, "Quiet");
        var billed = await CreateTenantAsync(app, "Billed");
        var unevented = await CreateTenantAsync(app, "Unevented");
        var store = new EventStore(sources, new PricingCatalogSource(sources, Options.Create(new BillingOptions()), TimeProvider.System, NullLogger<PricingCatalogSource>.Instance), TimeProvider.System);
        const int shard = 7;
        await store.WriteAsync(shard, [TestUsage.AiEvent(billed, "claude-3-sonnet", 1_000, 0)], await store.LastPositionAsync(shard, CancellationToken.None), CancellationToken.None);
        // Usage of a tenant id that has no tenants row: the sink bills whatever tenant its caller names.
        var phantom = TenantId.New();
        await store.WriteAsync(shard, [TestUsage.AiEvent(phantom, "claude-3-sonnet", 2_000, 0)], await store.LastPositionAsync(shard, CancellationToken.None), CancellationToken.None);
        // A usage row without its event: the ledger bills what the event store does not have.
        var ledger = new UsageLedger(sources, app);
        await ledger.InsertAsync([UsageRecord.FromEvent(TestUsage.AiEvent(unevented, "claude-3-sonnet", 0, 1_000), TestPrices.Catalog)!]);
        var output = new StringWriter();

        var code = await SiloCommandLine.RunAsync(
            [
                "reconcile", "--from", Day(Yesterday), "--to", Day(Today), "--counters", "skip", "--settle", "0", "--lag", "0",
                $"--PulsePoint:Database:Application={database.Application}",
                $"--PulsePoint:Database:Orleans={database.Orleans}",
                $"--PulsePoint:Database:TenantContextKey={TestDatabase.TenantContextKey}",
                $"--PulsePoint:Database:Pipeline={database.Pipeline}",
                "--PulsePoint:Destinations:Warehouse=None",
            ],
            output, new StringWriter());

        var text = output.ToString();
        Assert.True(code == 1, text);
        Has(text, $"{billed}   {Day(Today)}   0.003000000000          0   0.003000000000    not checked     not checked   ok");
        Has(text, $"{unevented}   {Day(Today)}   0.015000000000          0   0.000000000000    not checked     not checked   DRIFT events 0.000000000000 ≠ ledger 0.015000000000");
        Has(text, $"{phantom}   {Day(Today)}   0.006000000000          0   0.006000000000    not checked     not checked   ok");
        Assert.DoesNotContain(quiet.ToString(), text);
        Has(text, "counters:  not checked: --counters skip");
        Has(text, "warehouse: not checked: PulsePoint:Destinations:Warehouse is None");
        Assert.EndsWith("reconcile: 8 tenant-days checked, 1 drifted (5 without AI usage or cost in any source, not listed)" + Environment.NewLine, text);
    }

    /// <summary>Asserts that <paramref name="output"/> contains <paramref name="expected"/>, showing the whole output when not.</summary>
    private static void Has(string output, string expected) =>
        Assert.True(output.Contains(expected, StringComparison.Ordinal), $"expected{Environment.NewLine}{expected}{Environment.NewLine}in{Environment.NewLine}{output}");

    [Fact]
    public async Task Reconcile_counts_the_committed_events_a_destination_has_not_received_yet()
    {
        var database = TestDatabase.ForCluster("pulsepoint_test_reconcile");
        await database.EnsureCreatedAsync();
        await using var sources = new DataSources(Options.Create(new DatabaseOptions { Application = database.Application, Pipeline = database.Pipeline, TenantContextKey = TestDatabase.TenantContextKey }));
        var store = new EventStore(sources, new PricingCatalogSource(sources, Options.Create(new BillingOptions()), TimeProvider.System, NullLogger<PricingCatalogSource>.Instance), TimeProvider.System);
        const int shard = 8;
        var tenant = TenantId.New();
        var write = await store.WriteAsync(
            // Requests only: no usage, so the tenant stays out of the ledger the test above lists tenants from.
            shard, [TestEvents.Request(tenant), TestEvents.Request(tenant), TestEvents.Request(tenant)],
            await store.LastPositionAsync(shard, CancellationToken.None), CancellationToken.None);
        // A destination of its own that has received the first of the three.
        await using (var cursor = sources.Pipeline.CreateCommand("insert into event_destination_cursors (destination, shard, position) values ('reconcile-test', $1, $2)")
            .Bind(shard).Bind(write.FirstPosition))
        {
            await cursor.ExecuteNonQueryAsync();
        }

        var reconciliation = new Reconciliation(sources, ReconciliationSource<ICostCounterReader>.NotChecked("not needed"),
            ReconciliationSource<PulsePoint.Analytics.IAnalyticsWarehouse>.NotChecked("not needed"), new ReconciliationOptions(), TimeProvider.System, NullLogger<Reconciliation>.Instance);

        Assert.Equal(2, await reconciliation.UndeliveredAsync("reconcile-test"));
    }

    private static async Task<TenantId> CreateTenantAsync(TenantDatabase database, string name)
    {
        var tenant = TenantId.New();
        await database.RunAsync(tenant, async session =>
        {
            await using var insert = session.Command("insert into tenants (id, name) values ($1, $2)").Bind(name);
            await insert.ExecuteNonQueryAsync();
        });
        return tenant;
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
