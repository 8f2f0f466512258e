using System.ComponentModel.DataAnnotations;

namespace PulsePoint.Events;

/// <summary>Event pipeline behaviour (section <c>PulsePoint:Events</c>).</summary>
public sealed class EventOptions
{
    public const string Section = "PulsePoint:Events";

    /// <summary>Number of event sink shards; clients must use the same number (<c>PulsePoint:Client:EventShards</c>).</summary>
    [Range(1, 1024, ErrorMessage = "PulsePoint:Events:Shards must be between 1 and 1024")]
    public int Shards { get; set; } = 8;

    /// <summary>A flush starts as soon as this many events are buffered.</summary>
    [Range(1, 100_000, ErrorMessage = "PulsePoint:Events:MaxBatchSize must be between 1 and 100000")]
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>The longest an event waits in the buffer before a flush starts (unless the batch fills first).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10", ErrorMessage = "PulsePoint:Events:FlushDelay must be between 0 and 10 s")]
    public TimeSpan FlushDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Events a shard holds (buffered and in flight) before it refuses appends with an overload error.</summary>
    [Range(1, 10_000_000, ErrorMessage = "PulsePoint:Events:MaxBufferedEvents must be between 1 and 10000000")]
    public int MaxBufferedEvents { get; set; } = 50_000;

    /// <summary>How long one flush (connect, COPY, commit) may take before its appends fail as unavailable.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ErrorMessage = "PulsePoint:Events:FlushTimeout must be between 100 ms and 5 min")]
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Days of events kept in PostgreSQL; older daily partitions are dropped.</summary>
    [Range(8, 3650, ErrorMessage = "PulsePoint:Events:RetentionDays must be between 8 and 3650 (events up to 7 days old are accepted)")]
    public int RetentionDays { get; set; } = 90;

    /// <summary>Daily partitions created ahead of today.</summary>
    [Range(1, 60, ErrorMessage = "PulsePoint:Events:PartitionsAhead must be between 1 and 60")]
    public int PartitionsAhead { get; set; } = 3;

    /// <summary>How often the retention job creates upcoming partitions and drops expired ones.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "PulsePoint:Events:RetentionPeriod must be between 1 s and 1 day")]
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most events the relay reads back from PostgreSQL for one delivery.</summary>
    [Range(1, 100_000, ErrorMessage = "PulsePoint:Events:RelayBatchSize must be between 1 and 100000")]
    public int RelayBatchSize { get; set; } = 1000;

    /// <summary>First wait after a failed delivery; doubles per failure up to <see cref="RelayMaxBackoff"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "PulsePoint:Events:RelayInitialBackoff must be between 10 ms and 10 min")]
    public TimeSpan RelayInitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest wait between delivery attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "PulsePoint:Events:RelayMaxBackoff must be between 10 ms and 1 hour")]
    public TimeSpan RelayMaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest a destination's delivered position waits before it is written to its PostgreSQL cursor. A delivery
    /// per flush would otherwise cost a transaction per flush; a position not yet written only means the events
    /// after the written one are delivered again after a crash, which every destination deduplicates.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "PulsePoint:Events:RelayCursorWriteInterval must be between 0 and 1 min")]
    public TimeSpan RelayCursorWriteInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Delivery lag above which /readyz reports the event relay Degraded.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "PulsePoint:Events:MaxHealthyLag must be between 1 s and 1 day")]
    public TimeSpan MaxHealthyLag { get; set; } = TimeSpan.FromSeconds(60);
}
