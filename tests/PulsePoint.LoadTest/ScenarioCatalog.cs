using PulsePoint.LoadTest.Scenarios;

namespace PulsePoint.LoadTest;

/// <summary>Every scenario the driver knows, in the order <c>all</c> runs them.</summary>
public static class ScenarioCatalog
{
    public static IReadOnlyList<Scenario> All { get; } =
    [
        new TenantCheckScenario(),
        BrandSummaryScenario.AgainstSql(),
        CrossBrandMetricsScenario.AgainstSql(),
        BrandSummaryScenario.AgainstBypassGrain(),
        CrossBrandMetricsScenario.AgainstBypassGrain(),
        new BrandSqlUnderRlsScenario(),
        new IngestScenario(),
        new HttpIngestScenario(),
        TrackEventScenario.Ai(),
        TrackEventScenario.Api(),
        new SpendReservationScenario(),
        new MixedProfileScenario(),
        new GrainMemoryScenario(),
    ];
}
