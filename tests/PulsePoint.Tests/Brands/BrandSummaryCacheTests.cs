using PulsePoint.Brands;

namespace PulsePoint.Tests.Brands;

public sealed class BrandSummaryCacheTests
{
    private static readonly DateRange March = DateRange.Create(new(2026, 3, 1), new(2026, 3, 31));

    [Fact]
    public void BrandSummaryCache_serves_an_entry_until_its_ttl_passes()
    {
        var time = new ManualTime();
        var cache = new BrandSummaryCache(TimeSpan.FromSeconds(30), 8, time);
        cache.Put(Summary(March));

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(cache.TryGet(March, out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet(March, out _));
    }

    [Fact]
    public void BrandSummaryCache_with_zero_ttl_caches_nothing()
    {
        var cache = new BrandSummaryCache(TimeSpan.Zero, 8, new ManualTime());
        cache.Put(Summary(March));
        Assert.False(cache.TryGet(March, out _));
    }

    [Fact]
    public void BrandSummaryCache_keeps_at_most_its_capacity_dropping_the_oldest()
    {
        var cache = new BrandSummaryCache(TimeSpan.FromMinutes(1), 2, new ManualTime());
        var ranges = Enumerable.Range(1, 3).Select(d => DateRange.Create(new(2026, 1, d), new(2026, 1, d))).ToArray();
        foreach (var range in ranges)
        {
            cache.Put(Summary(range));
        }

        Assert.Equal(2, cache.Count);
        Assert.False(cache.TryGet(ranges[0], out _));
        Assert.True(cache.TryGet(ranges[2], out _));
        cache.Clear();
        Assert.False(cache.TryGet(ranges[2], out _));
    }

    private static BrandSummary Summary(DateRange range) => new(Guid.NewGuid(), "b", range, 1, 1m, 0m, 0, 0, 0);

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
