using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.Infrastructure;

/// <summary>Rows for isolation tests, written as the application role through the tenant-scoped helper.</summary>
public static class TenantRows
{
    public static async Task<(TenantId Tenant, Guid Brand)> CreateTenantWithBrandAsync(TenantDatabase database, string name)
    {
        var tenant = TenantId.New();
        var brand = Guid.NewGuid();
        await database.RunAsync(tenant, async session =>
        {
            await using (var insertTenant = session.Command("insert into tenants (id, name) values ($1, $2)").Bind(name))
            {
                await insertTenant.ExecuteNonQueryAsync();
            }

            await using (var insertBrand = session.Command("insert into brands (tenant_id, id, name) values ($1, $2, $3)").Bind(brand).Bind(name + " brand"))
            {
                await insertBrand.ExecuteNonQueryAsync();
            }

            await using var insertOrder = session.Command(
                "insert into orders (tenant_id, id, brand_id, amount_usd, created_at) values ($1, $2, $3, 10.50, now())").Bind(Guid.NewGuid()).Bind(brand);
            await insertOrder.ExecuteNonQueryAsync();

            await using var insertAd = session.Command(
                "insert into ad_performance (tenant_id, id, brand_id, campaign_id, day, spend_usd, impressions, clicks) values ($1, $2, $3, 'spring', current_date, 5, 100, 3)")
                .Bind(Guid.NewGuid()).Bind(brand);
            await insertAd.ExecuteNonQueryAsync();
        });
        return (tenant, brand);
    }
}
