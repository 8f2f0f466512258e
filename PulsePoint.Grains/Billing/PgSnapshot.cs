using System.Globalization;

namespace PulsePoint.Billing;

/// <summary>
/// A PostgreSQL snapshot (<c>pg_current_snapshot()</c>, text form <c>xmin:xmax:xip,...</c>): which
/// transactions a read saw. The tenant grain keeps the snapshot of its counters' load so that a usage
/// batch whose transaction that load already saw is not counted a second time.
/// </summary>
public sealed record PgSnapshot(long Xmin, long Xmax, IReadOnlySet<long> InProgress)
{
    /// <summary>Parses the text form, e.g. <c>10:20:12,15</c>.</summary>
    public static PgSnapshot Parse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 3)
        {
            throw new FormatException($"'{text}' is not a pg_snapshot");
        }

        var xip = parts[2].Length == 0
            ? new HashSet<long>()
            : parts[2].Split(',').Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToHashSet();
        return new PgSnapshot(long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture), xip);
    }

    /// <summary>True when a transaction <paramref name="xid"/> that has committed was visible to this snapshot.</summary>
    public bool Saw(long xid) => xid < Xmin || (xid < Xmax && !InProgress.Contains(xid));
}
