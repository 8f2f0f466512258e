using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PulsePoint.Destinations;

/// <summary>
/// Makes this process the DuckDB warehouse's writer: takes the writer lock when the silo starts, so a
/// second process configured with the same file refuses to start with <see cref="DuckDbWarehouseLockedException"/>
/// instead of failing on its first batch; then runs the retention cleanup (and the re-clustering by tenant, <see cref="DuckDbWarehouse.ClusterAsync"/>) every <see cref="DuckDbOptions.CleanupPeriod"/>.
/// </summary>
public sealed partial class DuckDbWarehouseWriter(
    DuckDbWarehouse warehouse,
    IOptions<DuckDbOptions> options,
    TimeProvider time,
    ILogger<DuckDbWarehouseWriter> logger) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        warehouse.Open();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CleanupPeriod, time);
        var starting = true;
        do
        {
            try
            {
                await warehouse.ApplyRetentionAsync(stoppingToken);
                if (options.Value.ClusterOnCleanup && !starting)
                {
                    // After the cleanup, so deleted rows are not copied; reports stay fast as the table grows.
                    await warehouse.ClusterAsync(stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next period tries again; old rows waiting a day longer harm nothing.
                LogRetentionFailed(logger, e);
            }

            // Not at start: a silo that restarts should not hold its writes back for the copy of a large table.
            starting = false;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DuckDB warehouse retention cleanup or re-clustering failed")]
    private static partial void LogRetentionFailed(ILogger logger, Exception exception);
}
