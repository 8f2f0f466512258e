namespace PulsePoint.LoadTest;

/// <summary>
/// The latencies of a paired run's completed pairs, kept by block of consecutive time (one second by default),
/// for an interval around PulsePoint ÷ baseline at a percentile. A shared machine's slow spells last from
/// milliseconds to seconds and land on whichever side happens to be running, so one run's p99 ratio can move by
/// ±20% from run to run. Resampling whole blocks (a block bootstrap) keeps each spell together, so the interval is
/// as wide as the spells make it.
/// </summary>
/// <remarks>
/// Latencies are counted in logarithmic buckets 1% wide, from 1 µs to <see cref="LoadRunner.MaxMicros"/>; the ratios are
/// therefore exact to about 1%, which is finer than any run repeats to.
/// </remarks>
public sealed class PairBlocks(TimeSpan blockLength)
{
    /// <summary>Below this many blocks no interval is given: a few blocks say nothing about the spread between them.</summary>
    public const int MinimumBlocks = 10;

    private static readonly double LogStep = Math.Log(1.01);
    private static readonly int Buckets = Bucket(LoadRunner.MaxMicros) + 1;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, Block> _blocks = new();

    public int BlockCount => _blocks.Count;

    /// <summary>Counts one pair that completed on both sides, started <paramref name="sinceStart"/> after the run began.</summary>
    public void Record(TimeSpan sinceStart, long productMicros, long referenceMicros)
    {
        var block = _blocks.GetOrAdd(sinceStart.Ticks / blockLength.Ticks, _ => new Block());
        Interlocked.Increment(ref block.Product[Bucket(productMicros)]);
        Interlocked.Increment(ref block.Reference[Bucket(referenceMicros)]);
    }

    /// <summary>
    /// PulsePoint's latency at <paramref name="percentile"/> divided by the baseline's, over all pairs, with a
    /// <paramref name="confidence"/> interval from <paramref name="resamples"/> block-bootstrap resamples (seeded,
    /// so the same run gives the same interval). Null when fewer than <see cref="MinimumBlocks"/> blocks have pairs.
    /// </summary>
    public RatioInterval? Ratio(double percentile, int resamples = 1000, double confidence = 0.95, int seed = 1)
    {
        var blocks = _blocks.Values.ToArray();
        if (blocks.Length < MinimumBlocks)
        {
            return null;
        }

        // Only the buckets some block uses are summed in each resample.
        var (low, high) = (Buckets, -1);
        foreach (var block in blocks)
        {
            (low, high) = (Math.Min(low, Math.Min(Lowest(block.Product), Lowest(block.Reference))),
                Math.Max(high, Math.Max(Highest(block.Product), Highest(block.Reference))));
        }

        var width = high - low + 1;
        var product = new long[width];
        var reference = new long[width];
        double RatioOf(IEnumerable<Block> chosen)
        {
            Array.Clear(product);
            Array.Clear(reference);
            foreach (var block in chosen)
            {
                for (var i = 0; i < width; i++)
                {
                    product[i] += block.Product[low + i];
                    reference[i] += block.Reference[low + i];
                }
            }

            return ValueAt(product, low, percentile) / ValueAt(reference, low, percentile);
        }

        var estimate = RatioOf(blocks);
        var random = new Random(seed);
        var ratios = new double[resamples];
        var chosen = new Block[blocks.Length];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < chosen.Length; i++)
            {
                chosen[i] = blocks[random.Next(blocks.Length)];
            }

            ratios[r] = RatioOf(chosen);
        }

        Array.Sort(ratios);
        var tail = (1 - confidence) / 2;
        return new RatioInterval(
            estimate,
            ratios[(int)Math.Floor(tail * (resamples - 1))],
            ratios[(int)Math.Ceiling((1 - tail) * (resamples - 1))],
            blocks.Length);
    }

    private static int Bucket(long micros) => (int)(Math.Log(Math.Clamp(micros, 1, LoadRunner.MaxMicros)) / LogStep);

    /// <summary>The geometric middle of the bucket holding the value at <paramref name="percentile"/>.</summary>
    private static double ValueAt(long[] counts, int offset, double percentile)
    {
        var total = counts.Sum();
        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * total));
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return Math.Exp((offset + i + 0.5) * LogStep);
            }
        }

        return Math.Exp((offset + counts.Length - 0.5) * LogStep);
    }

    /// <summary>The first bucket with a count, or <see cref="Buckets"/> when there is none.</summary>
    private static int Lowest(long[] counts) => Array.FindIndex(counts, c => c > 0) is var i and >= 0 ? i : Buckets;

    /// <summary>The last bucket with a count, or -1 when there is none.</summary>
    private static int Highest(long[] counts) => Array.FindLastIndex(counts, c => c > 0);

    private sealed class Block
    {
        public readonly long[] Product = new long[Buckets];
        public readonly long[] Reference = new long[Buckets];
    }
}

/// <summary>A ratio at a percentile (PulsePoint ÷ baseline), its interval, and how many time blocks it came from.</summary>
public sealed record RatioInterval(double Estimate, double Low, double High, int Blocks);
