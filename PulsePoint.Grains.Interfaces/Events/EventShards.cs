using PulsePoint.Tenancy;

namespace PulsePoint.Events;

/// <summary>Which event sink shard a tenant's events go to: the same on every process and every run.</summary>
public static class EventShards
{
    /// <summary>
    /// The shard of <paramref name="tenant"/> among <paramref name="shardCount"/> shards: FNV-1a over the
    /// UUID's bytes, modulo the count. (<c>string.GetHashCode</c> is randomised per process, so it would
    /// send one tenant's events to different shards from different clients and break per-tenant order.)
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shardCount"/> is not positive.</exception>
    public static int Of(TenantId tenant, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        Span<byte> bytes = stackalloc byte[16];
        tenant.Value.TryWriteBytes(bytes, bigEndian: true, out _);
        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % (uint)shardCount);
    }
}
