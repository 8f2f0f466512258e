using Orleans.Core.Internal;

namespace PulsePoint.Tests.Infrastructure;

/// <summary>Grain lifecycle steps tests wait for by polling the cluster, never by sleeping a fixed time.</summary>
public static class TestGrains
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Deactivates <paramref name="grain"/> and returns once the cluster knows no activation of it: the next call activates it anew.</summary>
    public static async Task DeactivateAsync(IGrainFactory grains, IAddressable grain)
    {
        await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await GoneAsync(grains, grain);
    }

    /// <summary>Returns once the cluster knows no activation of <paramref name="grain"/> (e.g. after idle collection).</summary>
    public static async Task GoneAsync(IGrainFactory grains, IAddressable grain)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var id = grain.GetGrainId();
        var deadline = DateTime.UtcNow + Patience;
        // Each silo's own list of its activations, not the grain directory's cached view.
        while ((await management.GetDetailedGrainStatistics()).Any(s => s.GrainId == id))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{grain.GetGrainId()} was still active after {Patience.TotalSeconds:0} s");
            }

            await Task.Delay(20);
        }
    }
}
