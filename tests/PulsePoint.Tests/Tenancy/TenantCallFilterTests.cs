using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Tenancy;

[Collection(ClusterCollection.Name)]
public sealed class TenantCallFilterTests(ClusterFixture fixture)
{
    [Fact]
    public async Task CallFilter_rejects_a_tenant_grain_of_tenant_b_called_under_tenant_a()
    {
        var a = await TestTenants.CreateAsync(fixture.Client, "A");
        var b = await TestTenants.CreateAsync(fixture.Client, "B");

        using var scope = TenantScope.Begin(a);
        var error = await Assert.ThrowsAsync<TenantMismatchException>(() => fixture.Client.GetGrain<ITenantGrain>(b.Value).GetStatusAsync());
        Assert.DoesNotContain(b.ToString(), error.Message);
        await Assert.ThrowsAsync<TenantMismatchException>(() => fixture.Client.GetGrain<ITenantBillingGrain>(b.Value).ReserveBudgetAsync(1m));
        Assert.Equal(TenantStatus.Active, await fixture.Client.GetTenantStatusAsync(b));
    }

    [Fact]
    public async Task CallFilter_rejects_a_call_without_a_tenant_scope()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Client);

        await Assert.ThrowsAsync<TenantMismatchException>(() => fixture.Client.GetGrain<ITenantGrain>(tenant.Value).GetStatusAsync());
    }
}
