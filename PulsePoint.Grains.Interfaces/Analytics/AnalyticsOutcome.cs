namespace PulsePoint.Analytics;

/// <summary>What an analytics answer is: rows, nothing in the range, or a tenant that does not exist.</summary>
[GenerateSerializer, Alias("PulsePoint.AnalyticsOutcome")]
public enum AnalyticsOutcome
{
    /// <summary>The tenant exists and the report has at least one row.</summary>
    Rows = 0,

    /// <summary>The tenant exists but has no matching events in the range (or the range is empty).</summary>
    NoEvents = 1,

    /// <summary>No tenant has this id; nothing was queried in the warehouse.</summary>
    UnknownTenant = 2,
}
