using PulsePoint.Brands;
using PulsePoint.Client;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.Infrastructure;

/// <summary>Brands and their rows created the way production does: through the brand grain.</summary>
public static class TestBrands
{
    public static IBrandGrain Grain(IGrainFactory grains, TenantId tenant, Guid brand) =>
        grains.GetGrain<IBrandGrain>(brand, tenant.ToString());

    public static async Task<Guid> CreateAsync(IGrainFactory grains, TenantId tenant, string name, params decimal[] orderAmounts)
    {
        var brand = Guid.NewGuid();
        using (TenantScope.Begin(tenant))
        {
            var grain = Grain(grains, tenant, brand);
            await grain.CreateAsync(name);
            if (orderAmounts.Length > 0)
            {
                await grain.RecordOrdersAsync(orderAmounts.Select(a => new BrandOrder(Guid.NewGuid(), a, DateTimeOffset.UtcNow)).ToArray());
            }
        }

        return brand;
    }

    public static DateRange Today() => DateRange.Create(DateOnly.FromDateTime(DateTime.UtcNow), DateOnly.FromDateTime(DateTime.UtcNow));
}
