using PulsePoint.Brands;
using PulsePoint.Client;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Brands;

[Collection(ClusterCollection.Name)]
public sealed class BrandGrainTests(ClusterFixture fixture)
{
    private static readonly DateOnly Day1 = new(2026, 3, 1);
    private static readonly DateOnly Day2 = new(2026, 3, 2);
    private static readonly DateOnly Day3 = new(2026, 3, 3);

    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task BrandGrain_summary_counts_orders_revenue_and_ads_of_the_range_only()
    {
        var tenant = await TestTenants.CreateAsync(Grains);
        var brand = await TestBrands.CreateAsync(Grains, tenant, "Summit");
        using var scope = TenantScope.Begin(tenant);
        var grain = TestBrands.Grain(Grains, tenant, brand);
        await grain.RecordOrdersAsync(
        [
            new(Guid.NewGuid(), 10.25m, At(Day1, 0, 0)),
            new(Guid.NewGuid(), 20.50m, At(Day2, 23, 59)),
            new(Guid.NewGuid(), 99.00m, At(Day3, 0, 0)), // the day after the range
        ]);
        await grain.RecordAdPerformanceBatchAsync(
        [
            new("spring", Day1, 5.10m, 1000, 20),
            new("spring", Day2, 4.90m, 800, 10),
            new("paused", Day2, 0m, 0, 0), // a row, but not an active campaign
            new("summer", Day3, 50m, 9000, 90), // outside the range
        ]);

        var summary = await grain.GetSummaryAsync(DateRange.Create(Day1, Day2));

        Assert.Equal(new BrandSummary(brand, "Summit", DateRange.Create(Day1, Day2), 2, 30.75m, 10.00m, 1800, 30, 1), summary);
    }

    [Fact]
    public async Task BrandGrain_summary_is_cached_and_a_write_through_the_grain_drops_the_cache()
    {
        var tenant = await TestTenants.CreateAsync(Grains);
        var brand = await TestBrands.CreateAsync(Grains, tenant, "Harbor", 10m);
        using var scope = TenantScope.Begin(tenant);
        var grain = TestBrands.Grain(Grains, tenant, brand);
        var first = await grain.GetSummaryAsync(TestBrands.Today());

        // A row written around the grain is not seen while the cached summary is fresh (TTL 30 s)...
        await using (var application = TestDatabase.CreateDataSource(TestDatabase.Application))
        {
            await new TenantDatabase(application, TestDatabase.TenantContext).RunAsync(tenant, async session =>
            {
                await using var insert = session.Command("insert into orders (tenant_id, id, brand_id, amount_usd, created_at) values ($1, $2, $3, 1.00, now())")
                    .Bind(Guid.NewGuid()).Bind(brand);
                await insert.ExecuteNonQueryAsync();
            });
        }

        Assert.Equal(first, await grain.GetSummaryAsync(TestBrands.Today()));

        // ...and a write through the grain invalidates it: both new orders show.
        await grain.RecordOrderAsync(new BrandOrder(Guid.NewGuid(), 2.00m, DateTimeOffset.UtcNow));
        var after = await grain.GetSummaryAsync(TestBrands.Today());
        Assert.Equal(3, after.Orders);
        Assert.Equal(13.00m, after.RevenueUsd);
    }

    [Fact]
    public async Task BrandGrain_recording_the_same_orders_again_adds_nothing()
    {
        var tenant = await TestTenants.CreateAsync(Grains);
        var brand = await TestBrands.CreateAsync(Grains, tenant, "Atlas");
        using var scope = TenantScope.Begin(tenant);
        var grain = TestBrands.Grain(Grains, tenant, brand);
        BrandOrder[] orders = [new(Guid.NewGuid(), 1m, DateTimeOffset.UtcNow), new(Guid.NewGuid(), 2m, DateTimeOffset.UtcNow)];

        Assert.Equal(2, await grain.RecordOrdersAsync(orders));
        Assert.Equal(0, await grain.RecordOrdersAsync(orders));
        Assert.Equal(2, (await grain.GetSummaryAsync(TestBrands.Today())).Orders);
    }

    [Fact]
    public async Task BrandGrain_unknown_brand_and_another_tenants_brand_fail_identically()
    {
        var a = await TestTenants.CreateAsync(Grains, "A");
        var b = await TestTenants.CreateAsync(Grains, "B");
        var brandOfB = await TestBrands.CreateAsync(Grains, b, "B's brand", 50m);
        var unknown = Guid.NewGuid();

        using var scope = TenantScope.Begin(a);
        async Task<string> Failure(Guid brand, Func<IBrandGrain, Task> call)
        {
            var error = await Assert.ThrowsAsync<BrandNotFoundException>(() => call(TestBrands.Grain(Grains, a, brand)));
            return error.Message.Replace(brand.ToString(), "<id>");
        }

        Func<IBrandGrain, Task>[] calls =
        [
            g => g.GetSummaryAsync(TestBrands.Today()),
            g => g.GetAsync(),
            g => g.RenameAsync("taken over"),
            g => g.RecordOrderAsync(new BrandOrder(Guid.NewGuid(), 1m, DateTimeOffset.UtcNow)),
            g => g.RecordAdPerformanceAsync(new AdPerformanceEntry("c", Day1, 1m, 1, 1)),
        ];
        foreach (var call in calls)
        {
            Assert.Equal(await Failure(unknown, call), await Failure(brandOfB, call));
        }

        using var asB = TenantScope.Begin(b);
        var untouched = await TestBrands.Grain(Grains, b, brandOfB).GetSummaryAsync(TestBrands.Today());
        Assert.Equal(("B's brand", 1L, 50m), (untouched.Name, untouched.Orders, untouched.RevenueUsd));
    }

    [Fact]
    public async Task BrandGrain_inverted_date_range_is_refused_with_its_own_exception()
    {
        Assert.Throws<InvalidDateRangeException>(() => DateRange.Create(Day2, Day1));

        var tenant = await TestTenants.CreateAsync(Grains);
        var brand = await TestBrands.CreateAsync(Grains, tenant, "Ember");
        using var scope = TenantScope.Begin(tenant);
        // A caller can build the record without Create; the grain validates it again.
        await Assert.ThrowsAsync<InvalidDateRangeException>(() => TestBrands.Grain(Grains, tenant, brand).GetSummaryAsync(new DateRange(Day2, Day1)));
        await Assert.ThrowsAsync<InvalidDateRangeException>(() => Grains.GetGrain<IBrandMetricsGrain>(tenant.Value).GetCrossBrandMetricsAsync(new DateRange(Day2, Day1)));
    }

    [Fact]
    public async Task BrandGrain_calls_of_a_deactivated_tenant_are_refused()
    {
        var tenant = await TestTenants.CreateAsync(Grains);
        var brand = await TestBrands.CreateAsync(Grains, tenant, "Willow", 5m);
        using var scope = TenantScope.Begin(tenant);
        await Grains.GetGrain<ITenantAdminGrain>(tenant.Value).DeactivateAsync();

        await Assert.ThrowsAsync<TenantInactiveException>(() => TestBrands.Grain(Grains, tenant, brand).GetSummaryAsync(TestBrands.Today()));
        await Assert.ThrowsAsync<TenantInactiveException>(() => Grains.GetGrain<IBrandMetricsGrain>(tenant.Value).GetCrossBrandMetricsAsync(TestBrands.Today()));

        await Grains.GetGrain<ITenantAdminGrain>(tenant.Value).ActivateAsync();
        Assert.Equal(1, (await TestBrands.Grain(Grains, tenant, brand).GetSummaryAsync(TestBrands.Today())).Orders);
    }

    [Fact]
    public async Task BrandGrain_of_an_unknown_tenant_is_refused_with_tenant_not_found()
    {
        var nobody = TenantId.New();
        using var scope = TenantScope.Begin(nobody);
        await Assert.ThrowsAsync<TenantNotFoundException>(() => TestBrands.Grain(Grains, nobody, Guid.NewGuid()).CreateAsync("ghost"));
    }

    [Fact]
    public async Task BrandGrain_malformed_brand_ids_are_refused_before_sql()
    {
        Assert.Throws<InvalidBrandIdException>(() => BrandId.Parse("1' or '1'='1"));
        Assert.Throws<InvalidBrandIdException>(() => BrandId.Parse("{6f9619ff-8b86-d011-b42d-00c04fc964ff}"));
        Assert.Throws<InvalidBrandIdException>(() => BrandId.Parse(Guid.Empty.ToString()));
        Assert.Equal(Guid.Parse("6f9619ff-8b86-4011-b42d-00c04fc964ff"), BrandId.Parse("6f9619ff-8b86-4011-b42d-00c04fc964ff"));

        var tenant = await TestTenants.CreateAsync(Grains);
        using var scope = TenantScope.Begin(tenant);
        await Assert.ThrowsAsync<InvalidBrandIdException>(() => TestBrands.Grain(Grains, tenant, Guid.Empty).CreateAsync("empty"));
    }

    [Fact]
    public async Task BrandGrain_rename_changes_the_name_and_a_name_is_unique_within_the_tenant_only()
    {
        var a = await TestTenants.CreateAsync(Grains, "A");
        var b = await TestTenants.CreateAsync(Grains, "B");
        var first = await TestBrands.CreateAsync(Grains, a, "Copper");
        var second = await TestBrands.CreateAsync(Grains, a, "Granite");
        await TestBrands.CreateAsync(Grains, b, "Quartz");

        using var scope = TenantScope.Begin(a);
        Assert.Equal(new BrandInfo(first, "Lumen"), await TestBrands.Grain(Grains, a, first).RenameAsync("Lumen"));
        Assert.Equal(new BrandInfo(first, "Lumen"), await TestBrands.Grain(Grains, a, first).GetAsync());
        await Assert.ThrowsAsync<BrandNameTakenException>(() => TestBrands.Grain(Grains, a, second).RenameAsync("Lumen"));
        // B's name is free for A: no cross-tenant "duplicate" signal.
        Assert.Equal("Quartz", (await TestBrands.Grain(Grains, a, second).RenameAsync("Quartz")).Name);
        // Creating an existing brand again returns it unchanged.
        Assert.Equal(new BrandInfo(first, "Lumen"), await TestBrands.Grain(Grains, a, first).CreateAsync("Other"));
    }

    [Fact]
    public async Task BrandMetrics_revenue_is_not_multiplied_by_ad_rows_and_brands_are_ordered_by_revenue()
    {
        var tenant = await TestTenants.CreateAsync(Grains);
        var small = await TestBrands.CreateAsync(Grains, tenant, "Small", 5m);
        var big = await TestBrands.CreateAsync(Grains, tenant, "Big", 100m, 50.50m);
        var idle = await TestBrands.CreateAsync(Grains, tenant, "Idle");
        using var scope = TenantScope.Begin(tenant);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        // Three ad rows for "Big": the seed's single join would report its revenue three times over.
        await TestBrands.Grain(Grains, tenant, big).RecordAdPerformanceBatchAsync(
        [
            new("a", today, 1m, 10, 1),
            new("b", today, 2m, 10, 1),
            new("a", today.AddDays(-1), 4m, 10, 1),
        ]);

        var metrics = await Grains.GetGrain<IBrandMetricsGrain>(tenant.Value).GetCrossBrandMetricsAsync(DateRange.Create(today.AddDays(-1), today));

        Assert.Equal(
        [
            new BrandMetrics(big, "Big", 2, 150.50m, 2, 7m),
            new BrandMetrics(small, "Small", 1, 5m, 0, 0m),
            new BrandMetrics(idle, "Idle", 0, 0m, 0, 0m),
        ], metrics);
    }

    private static DateTimeOffset At(DateOnly day, int hour, int minute) => new(day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero);
}
