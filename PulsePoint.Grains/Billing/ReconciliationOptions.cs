namespace PulsePoint.Billing;

/// <summary>How <see cref="Reconciliation"/> compares: the range cap, the money precision, and how long a disagreement may settle.</summary>
public sealed class ReconciliationOptions
{
    /// <summary>Longest range of UTC days one reconcile covers (as the usage report).</summary>
    public const int MaxDays = UsageLedger.MaxReportDays;

    /// <summary>
    /// Decimal places money is compared at: the ledger's <c>numeric(24,12)</c>, which holds every computed cost
    /// exactly. Two amounts agree when they are equal once rounded to this many places.
    /// </summary>
    public const int MoneyDecimals = 12;

    /// <summary>
    /// How long a tenant-day that disagrees is read again before it is called drift. The live counters and the
    /// warehouse learn of a committed batch after its commit (the sink's counter call, the outbox relay), so a
    /// day with traffic in flight can disagree for moments; real drift stays. Zero: no second read.
    /// </summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// On the current UTC day, the event store and the warehouse are compared with the ledger's usage of events older than
    /// this: under live traffic the newest events are still on their way to the warehouse (the relay gathers them for
    /// about a second, longer after an outage), so a whole-day comparison would always be a moment behind. Zero compares
    /// the whole day. The live counters are always compared with the whole day's ledger: they lag a commit by a grain call.
    /// </summary>
    public TimeSpan LiveLag { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Pause between two reads of a disagreeing tenant-day.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Days the event store keeps (<c>PulsePoint:Events:RetentionDays</c>). The ledger has no retention, so the
    /// events of a day older than this are gone by design and that day's event column is not checked.
    /// </summary>
    public int EventRetentionDays { get; init; } = 90;
}
