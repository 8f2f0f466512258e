namespace PulsePoint.Tenancy;

/// <summary>A tenant grain's view of its tenant, for operators and tests.</summary>
/// <param name="Status">The tenant's status as held in memory.</param>
/// <param name="Name">The tenant's display name; null when the tenant does not exist.</param>
/// <param name="DatabaseLoads">How many times this activation has read the tenant from PostgreSQL, for any reason.</param>
/// <param name="TimerRefreshes">How many of those reads the refresh timer made (the rest: activation, writes, explicit refresh).</param>
/// <param name="LoadedAt">When the status was last read from PostgreSQL.</param>
/// <param name="FirstRefreshDue">How long after activation this activation's refresh timer was set to fire first
/// (a random ½ to 1½ refresh periods, so that grains activated together do not refresh together).</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.TenantSnapshot")]
public sealed record TenantSnapshot(TenantStatus Status, string? Name, long DatabaseLoads, long TimerRefreshes, DateTimeOffset LoadedAt, TimeSpan FirstRefreshDue);
