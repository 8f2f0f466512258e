using System.Collections.Concurrent;
using System.Diagnostics;
using PulsePoint.LoadTest;

namespace PulsePoint.Tests.LoadTest;

/// <summary>
/// The driver's <c>--paired</c> mode on stand-in operations (no database): both sides of a pair get the same inputs,
/// which side goes first alternates, and every figure counts each call once.
/// </summary>
public sealed class PairedRunTests
{
    [Fact]
    public async Task Both_sides_of_a_pair_draw_the_same_inputs_and_the_first_side_alternates()
    {
        var calls = new ConcurrentQueue<(string Side, int Draw)>();
        Func<Random, CancellationToken, Task> Operation(string side) => async (random, ct) =>
        {
            calls.Enqueue((side, random.Next()));
            await Task.Yield();
        };

        var options = LoadOptions.Parse(["--concurrency", "1", "--paired", "brand-summary"]);
        var run = Stopwatch.StartNew();
        var (pulsePoint, baseline, ratios, blocks) = await LoadRunner.MeasurePairedAsync(
            "paired", Operation("pulsepoint"), Operation("baseline"), options, pairsPerCaller: 40, new ProgressLine(), CancellationToken.None);
        run.Stop();

        var sequence = calls.ToList();
        Assert.Equal(80, sequence.Count);
        var pairs = sequence.Chunk(2).ToList();
        Assert.All(pairs, pair => Assert.Equal(pair[0].Draw, pair[1].Draw));
        Assert.NotEqual(pairs[0][0].Draw, pairs[1][0].Draw);
        Assert.All(pairs.Select((pair, index) => (pair, index)), p =>
            Assert.Equal(p.index % 2 == 0 ? new[] { "pulsepoint", "baseline" } : new[] { "baseline", "pulsepoint" }, p.pair.Select(c => c.Side)));

        Assert.Equal(pairs.Count, pulsePoint.Operations);
        Assert.Equal(pairs.Count, baseline.Operations);
        Assert.Equal(pairs.Count, ratios.TotalCount);
        // Well under a second of pairs: one block, too few for an interval.
        Assert.Null(blocks.Ratio(99));
        // Each side's elapsed time is the time its one caller spent in it, so the two add up to at most the run's
        // wall-clock time (not to twice it, as they would if each side were charged the whole run).
        Assert.True(pulsePoint.Elapsed > TimeSpan.Zero && baseline.Elapsed > TimeSpan.Zero);
        Assert.True(pulsePoint.Elapsed + baseline.Elapsed <= run.Elapsed, $"{pulsePoint.Elapsed} + {baseline.Elapsed} > {run.Elapsed}");
    }

    [Fact]
    public async Task A_failed_call_is_counted_as_an_error_of_its_side_and_its_pair_has_no_ratio()
    {
        var draws = 0;
        var options = LoadOptions.Parse(["--concurrency", "1", "--paired", "brand-summary"]);
        var (pulsePoint, baseline, ratios, _) = await LoadRunner.MeasurePairedAsync(
            "paired",
            async (_, ct) =>
            {
                await Task.Yield();
                if (Interlocked.Increment(ref draws) % 2 == 0)
                {
                    throw new InvalidOperationException("every second call fails");
                }
            },
            async (_, _) => await Task.Yield(),
            options,
            pairsPerCaller: 40,
            new ProgressLine(),
            CancellationToken.None);

        Assert.Equal(20, pulsePoint.Errors);
        Assert.Equal(pulsePoint.Errors, pulsePoint.ErrorKinds["InvalidOperationException"]);
        Assert.Equal(0, baseline.Errors);
        Assert.Equal(pulsePoint.Operations, ratios.TotalCount);
        Assert.Equal(pulsePoint.Operations + pulsePoint.Errors, baseline.Operations);
    }

    [Theory]
    [InlineData("--rounds", "2")]
    [InlineData("--rate", "100")]
    [InlineData("--no-baseline", null)]
    public void Paired_refuses_the_options_of_the_phased_runs(string option, string? value)
    {
        string[] args = value is null ? ["--paired", option, "brand-summary"] : ["--paired", option, value, "brand-summary"];
        var error = Assert.Throws<ArgumentException>(() => LoadOptions.Parse(args));
        Assert.Contains("--paired", error.Message);
    }
}
