using Microsoft.Extensions.Options;

namespace PulsePoint.Brands;

/// <summary>
/// Bounds how many brand queries run at once on this silo (<see cref="BrandOptions.MaxConcurrentQueries"/>).
/// Grain scheduling alone bounds nothing across many tenants: in the attack suite's 1,000-request case,
/// brand calls allowed to interleave (as a [ReadOnly] metrics call would) ran 500 queries at once and
/// opened 200 connections on two silos, more than PostgreSQL authenticated before the connections timed
/// out. With the gate the excess waits in memory instead.
/// </summary>
public sealed class BrandQueryGate(IOptions<BrandOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentQueries, options.Value.MaxConcurrentQueries);

    /// <summary>Runs <paramref name="work"/> once a slot is free.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        await _slots.WaitAsync();
        try
        {
            return await work();
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
