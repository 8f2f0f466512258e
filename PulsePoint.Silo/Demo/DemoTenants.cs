using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Demo;

/// <summary>The fixed demo tenants, so a newcomer can paste their ids into commands.</summary>
public static class DemoTenants
{
    public static readonly IReadOnlyList<(TenantId Id, string Name, bool Active)> All =
    [
        (TenantId.Parse("11111111-1111-4111-8111-111111111111"), "Acme Outdoor", true),
        (TenantId.Parse("22222222-2222-4222-8222-222222222222"), "Borealis Coffee", true),
        (TenantId.Parse("33333333-3333-4333-8333-333333333333"), "Cobalt Cosmetics (deactivated)", false),
    ];
}
