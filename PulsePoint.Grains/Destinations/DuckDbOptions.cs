using System.ComponentModel.DataAnnotations;

namespace PulsePoint.Destinations;

/// <summary>The embedded DuckDB warehouse (section <c>PulsePoint:Destinations:DuckDb</c>).</summary>
public sealed class DuckDbOptions
{
    public const string Section = "PulsePoint:Destinations:DuckDb";

    /// <summary>
    /// The database file; relative paths are resolved against the silo's working directory. Exactly one
    /// process may write it: the writer holds <c>&lt;Path&gt;.writer.lock</c> while it runs.
    /// </summary>
    [Required(ErrorMessage = "PulsePoint:Destinations:DuckDb:Path (the DuckDB warehouse file) is required")]
    public string Path { get; set; } = ".local/warehouse.duckdb";

    /// <summary>How many years of events the warehouse keeps; older ones are deleted by the retention cleanup.</summary>
    [Range(1, 100, ErrorMessage = "PulsePoint:Destinations:DuckDb:RetentionYears must be between 1 and 100")]
    public int RetentionYears { get; set; } = 7;

    /// <summary>
    /// Re-cluster the table by (tenant_id, timestamp) after each retention cleanup, so one tenant's reports read only
    /// its row groups. The copy holds the write gate while it runs (measured on a busy shared machine: 147 s for 10M rows, 25 s for 1M; BENCHMARKS.md).
    /// </summary>
    public bool ClusterOnCleanup { get; set; } = true;

    /// <summary>How often the retention cleanup runs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "PulsePoint:Destinations:DuckDb:CleanupPeriod must be between 1 second and 7 days")]
    public TimeSpan CleanupPeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long just-committed events may gather before they are delivered here: fewer, fuller transactions cost
    /// far less per event. A full batch (<see cref="BatchSize"/>) goes at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "PulsePoint:Destinations:DuckDb:BatchDelay must be between 0 and 1 minute")]
    public TimeSpan BatchDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Most events in one delivery (one append; a re-delivery: one staging append and one insert). Larger than the relay's default:
    /// in the ingest benchmark DuckDB fell 168,800 events behind with 1,000-event batches and 48,350 with
    /// 5,000 (it caught up in 15.2 s and 2.9 s).
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "PulsePoint:Destinations:DuckDb:BatchSize must be between 1 and 100000")]
    public int BatchSize { get; set; } = 10_000;
}
