using PulsePoint.LoadTest;

namespace PulsePoint.Tests.LoadTest;

/// <summary>
/// The interval around a paired run's percentile ratio (PulsePoint ÷ baseline), on made-up latencies: it must hold
/// the true ratio, stay narrow when both sides are alike, and widen when a slow spell hits one side.
/// </summary>
public sealed class PairBlocksTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    /// <summary>60 one-second blocks of 2,000 pairs; each side draws from the same skewed distribution, scaled.</summary>
    private static PairBlocks Run(double productScale, Func<int, double>? productSpell = null, int blocks = 60, int seed = 3)
    {
        var run = new PairBlocks(Second);
        var random = new Random(seed);
        for (var block = 0; block < blocks; block++)
        {
            for (var pair = 0; pair < 2_000; pair++)
            {
                // Mostly 400-600 µs with a long right tail, like a brand summary's latencies.
                double Draw() => 400 + random.Next(200) + (random.NextDouble() < 0.03 ? random.Next(3_000) : 0);
                var at = TimeSpan.FromSeconds(block + pair / 2_000.0);
                run.Record(at, (long)(Draw() * productScale * (productSpell?.Invoke(block) ?? 1)), (long)Draw());
            }
        }

        return run;
    }

    [Fact]
    public void Alike_sides_give_an_interval_around_one()
    {
        var run = Run(productScale: 1);

        foreach (var percentile in new[] { 50, 99 })
        {
            var interval = run.Ratio(percentile)!;
            Assert.Equal(60, interval.Blocks);
            Assert.InRange(interval.Estimate, 0.97, 1.03);
            Assert.True(interval.Low <= 1 && 1 <= interval.High, $"p{percentile}: {interval}");
            Assert.True(interval.High - interval.Low < 0.1, $"p{percentile}: {interval}");
        }
    }

    [Fact]
    public void A_slower_side_is_found_and_the_interval_excludes_one()
    {
        var run = Run(productScale: 1.3);

        foreach (var percentile in new[] { 50, 99 })
        {
            var interval = run.Ratio(percentile)!;
            Assert.InRange(interval.Estimate, 1.26, 1.34);
            Assert.True(interval.Low > 1.2 && interval.Low <= interval.Estimate && interval.Estimate <= interval.High, $"p{percentile}: {interval}");
        }
    }

    [Fact]
    public void A_slow_spell_on_one_side_widens_the_p99_interval()
    {
        var steady = Run(productScale: 1).Ratio(99)!;
        // Three of sixty seconds in which every PulsePoint call takes ten times as long: 5% of its calls, all in the tail.
        var spelled = Run(productScale: 1, block => block is 10 or 30 or 50 ? 10 : 1).Ratio(99)!;

        Assert.True(spelled.Estimate > steady.Estimate, $"{spelled} against {steady}");
        Assert.True(spelled.High - spelled.Low > 3 * (steady.High - steady.Low), $"{spelled} against {steady}");
    }

    [Fact]
    public void The_same_run_gives_the_same_interval()
    {
        var run = Run(productScale: 1.1);

        Assert.Equal(run.Ratio(99), run.Ratio(99));
    }

    [Fact]
    public void Too_few_blocks_give_no_interval()
    {
        Assert.Null(Run(productScale: 1, blocks: PairBlocks.MinimumBlocks - 1).Ratio(50));
        Assert.NotNull(Run(productScale: 1, blocks: PairBlocks.MinimumBlocks).Ratio(50));
    }
}
