using PulsePoint.Billing;

namespace PulsePoint.LoadTest.Faults;

/// <summary>The figures of one fault scenario, and the checks it failed (empty: passed).</summary>
public sealed class FaultScenarioResult
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public List<string> Failures { get; } = [];

    public bool Passed => Failures.Count == 0;

    public List<(string Label, double AtMs)> Marks { get; init; } = [];

    public long Attempted { get; set; }

    public long Acknowledged { get; set; }

    public long AcknowledgedAlreadyStored { get; set; }

    /// <summary>Acknowledged ids with at least one row.</summary>
    public long StoredAcknowledged { get; set; }

    public long MissingAcknowledged { get; set; }

    /// <summary>Ids (of all attempted) with more than one row.</summary>
    public long Duplicated { get; set; }

    /// <summary>Ids whose append failed as far as the client knew, but which were committed (retried later or not).</summary>
    public long StoredUnacknowledged { get; set; }

    public long PubSubDelivered { get; set; }

    public long PubSubMissing { get; set; }

    public long PubSubRedelivered { get; set; }

    /// <summary>From the last action until every event acknowledged before it had been pulled from Pub/Sub.</summary>
    public double? PubSubCaughtUpMs { get; set; }

    public string Cursors { get; set; } = "";

    public IReadOnlyDictionary<string, long> AppendErrors { get; set; } = new Dictionary<string, long>();

    public IReadOnlyDictionary<string, long> CheckErrors { get; set; } = new Dictionary<string, long>();

    public IReadOnlyDictionary<string, string> ErrorSamples { get; set; } = new Dictionary<string, string>();

    public double RateBefore { get; set; }

    public long LowestSecond { get; set; }

    public double RateAfter { get; set; }

    public double? FirstSuccessMs { get; set; }

    public double? LastErrorMs { get; set; }

    public double? ThroughputBackMs { get; set; }

    public long TenantChecks { get; set; }

    public long WrongTenantAnswers { get; set; }

    public string TenantAfter { get; set; } = "";

    /// <summary>The reconcile over the suite's tenants after the scenario (ledger, event store, live counters); null when it could not run.</summary>
    public ReconciliationReport? Reconcile { get; set; }
}
