using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PulsePoint.Analytics;
using PulsePoint.Billing;
using PulsePoint.Destinations;
using PulsePoint.Silo.Cli;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.LoadTest;

/// <summary>
/// The driver's last step: a reconcile over the load's tenants for the days the run covered — the ledger against the event
/// store's AI costs, the tenant grains' live counters and, with <c>--in-process</c>, the silo's warehouse. Any drift makes
/// the run fail: a fast product that bills wrong has not passed.
/// </summary>
public static class LoadReconcile
{
    /// <summary>How long a disagreeing tenant-day is read again (the warehouse catches up seconds after a heavy load).</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    /// <summary>The in-process silo's warehouse, or why the driver cannot read it.</summary>
    public static ReconciliationSource<IAnalyticsWarehouse> Warehouse(WebApplication? silo)
    {
        if (silo is null)
        {
            return ReconciliationSource<IAnalyticsWarehouse>.NotChecked("an external cluster's warehouse is read by `PulsePoint.Silo reconcile` beside it");
        }

        var kind = (silo.Configuration.GetSection(DestinationSelectionOptions.Section).Get<DestinationSelectionOptions>() ?? new DestinationSelectionOptions()).Warehouse;
        return kind == WarehouseDestinationKind.None
            ? ReconciliationSource<IAnalyticsWarehouse>.NotChecked("the in-process silo runs with PulsePoint:Destinations:Warehouse=None")
            : ReconciliationSource<IAnalyticsWarehouse>.Of(silo.Services.GetRequiredService<IAnalyticsWarehouse>(), $"the in-process silo's {kind} warehouse");
    }

    /// <summary>Reconciles <paramref name="tenants"/> from <paramref name="firstDay"/> to today, prints the report, and says whether it agrees.</summary>
    public static async Task<bool> RunAsync(
        IClusterClient client, string application, string pipeline, IReadOnlyList<TenantId> tenants, DateOnly firstDay,
        ReconciliationSource<IAnalyticsWarehouse> warehouse, TextWriter output, CancellationToken cancellationToken)
    {
        await using var sources = new DataSources(Options.Create(new DatabaseOptions
        {
            Application = application,
            Pipeline = pipeline,
            TenantContextKey = Environment.GetEnvironmentVariable("PulsePoint__Database__TenantContextKey"),
        }));
        var reconciliation = new Reconciliation(
            sources,
            ReconciliationSource<ICostCounterReader>.Of(new ClusterCostCounters(client), "tenant grains through the driver's client"),
            warehouse,
            // The load has stopped: the whole day is compared, the newest events included.
            new ReconciliationOptions { Settle = Settle, LiveLag = TimeSpan.Zero },
            TimeProvider.System,
            NullLogger<Reconciliation>.Instance);
        Console.Error.WriteLine($"reconcile: the load's {tenants.Count} tenants from {firstDay:yyyy-MM-dd} to {reconciliation.Today:yyyy-MM-dd}");
        var report = await reconciliation.RunAsync(tenants, firstDay, reconciliation.Today, cancellationToken);
        output.WriteLine();
        await output.WriteAsync(ReconcileVerb.Render(report));
        return report.Agrees;
    }
}
