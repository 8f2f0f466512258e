using Microsoft.Extensions.Options;

namespace PulsePoint.Brands;

/// <summary>
/// Bounds how many brand queries run at once on this silo (<see cref="BrandOptions.MaxConcurrentQueries"/>).
/// Seen in the attack suite's 1,000-request case while the metrics call was still [ReadOnly] (so it
/// interleaved without bound): 500 queries at once opened 200 connections on two silos, which timed out
/// in authentication on a 2-core machine. Grain scheduling alone bounds nothing across many tenants;
/// with the gate the excess waits in memory instead.
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
