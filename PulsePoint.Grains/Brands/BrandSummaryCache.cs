namespace PulsePoint.Brands;

/// <summary>
/// A brand grain's short-lived summary cache, keyed by date range. It lives inside one grain
/// activation, whose identity is (brand, tenant), so it is tenant-namespaced by construction: no key
/// can ever name another tenant's data.
/// </summary>
public sealed class BrandSummaryCache(TimeSpan ttl, int capacity, TimeProvider time)
{
    private readonly Dictionary<DateRange, (BrandSummary Summary, DateTimeOffset Expires)> _entries = [];
    private readonly Queue<DateRange> _order = new();

    /// <summary>Entries held now (expired ones included until they are looked up or pushed out).</summary>
    public int Count => _entries.Count;

    /// <summary>Returns a fresh cached summary for <paramref name="range"/>, if any.</summary>
    public bool TryGet(DateRange range, out BrandSummary summary)
    {
        if (_entries.TryGetValue(range, out var entry))
        {
            if (time.GetUtcNow() < entry.Expires)
            {
                summary = entry.Summary;
                return true;
            }

            _entries.Remove(range);
        }

        summary = null!;
        return false;
    }

    /// <summary>Caches <paramref name="summary"/> for the configured time (no-op when the TTL is zero).</summary>
    public void Put(BrandSummary summary)
    {
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        if (!_entries.ContainsKey(summary.Range))
        {
            _order.Enqueue(summary.Range);
        }

        _entries[summary.Range] = (summary, time.GetUtcNow() + ttl);
        while (_entries.Count > capacity && _order.TryDequeue(out var oldest))
        {
            _entries.Remove(oldest);
        }

        // Ranges removed on expiry leave stale names in the queue; keep it bounded too.
        while (_order.Count > capacity * 2 && _order.TryDequeue(out var stale) && _entries.ContainsKey(stale))
        {
            _order.Enqueue(stale);
        }
    }

    /// <summary>Drops everything; called on every write through the grain.</summary>
    public void Clear()
    {
        _entries.Clear();
        _order.Clear();
    }
}
