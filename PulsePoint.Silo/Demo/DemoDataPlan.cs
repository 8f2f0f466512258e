using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Demo;

/// <summary>
/// What <see cref="DemoDataSeeder"/> loads. The same plan (seed and <see cref="Until"/> included) always
/// produces the same rows, ids included.
/// </summary>
/// <param name="Tenants">Generated tenants (ignored when <paramref name="FixedTenants"/> is given).</param>
/// <param name="BrandsPerTenant">Brands per tenant.</param>
/// <param name="OrdersPerTenant">Orders per tenant, spread over its brands with a skew (brand 1 sells most).</param>
/// <param name="Days">Days of history ending with <paramref name="Until"/>: orders fall in them, and each campaign has one ad row a day.</param>
/// <param name="Seed">Random seed.</param>
/// <param name="Until">Last day of the history (UTC).</param>
/// <param name="FixedTenants">Seed these tenants (e.g. the demo tenants) instead of generated ones.</param>
public sealed record DemoDataPlan(
    int Tenants,
    int BrandsPerTenant,
    int OrdersPerTenant,
    int Days,
    int Seed,
    DateOnly Until,
    IReadOnlyList<(TenantId Id, string Name)>? FixedTenants = null)
{
    /// <summary>The tenants the plan covers, in order; generated ids derive from the seed.</summary>
    public IReadOnlyList<(TenantId Id, string Name)> TenantList() =>
        FixedTenants ?? Enumerable.Range(0, Tenants)
            .Select(i => (new TenantId(DemoDataSeeder.SeededGuid(new Random(unchecked(Seed * 7919 + i)))), $"Demo tenant {i + 1:000}"))
            .ToArray();
}
