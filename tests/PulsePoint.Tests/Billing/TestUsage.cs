using Microsoft.Extensions.Options;
using PulsePoint.Billing;
using PulsePoint.Client;
using PulsePoint.Events;
using PulsePoint.Storage;
using PulsePoint.Tenancy;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Billing;

/// <summary>
/// Writes AI usage the way the event sink does after a commit: usage rows into ai_token_usage in one
/// transaction (pipeline role), then one AddUsage call per tenant with the batch summary.
/// </summary>
public static class TestUsage
{
    private static readonly Lazy<DataSources> Sources = new(() => new DataSources(Options.Create(new DatabaseOptions
    {
        Application = TestDatabase.Application,
        Pipeline = TestDatabase.Pipeline,
        TenantContextKey = TestDatabase.TenantContextKey,
    })));

    public static UsageLedger Ledger => new(Sources.Value, new TenantDatabase(Sources.Value.Application, TestDatabase.TenantContext));

    /// <summary>The event store as the sink writes it (pipeline role), pricing from the shipped catalog.</summary>
    public static EventStore Store => new(Sources.Value, new PricingCatalogSource(
        Sources.Value, Options.Create(new BillingOptions()), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<PricingCatalogSource>.Instance), TimeProvider.System);

    public static StructuredEvent AiEvent(TenantId tenant, string model, long input, long output, DateTimeOffset? at = null, decimal? costUsd = null, long cacheRead = 0, long cacheWrite = 0, Guid? brand = null) => new()
    {
        EventId = Guid.NewGuid(),
        TenantId = tenant,
        BrandId = brand,
        Category = EventCategory.AiOperations,
        EventType = EventTypes.AiAnswerGenerated,
        Timestamp = at ?? DateTimeOffset.UtcNow,
        AiModel = model,
        TokensInput = input,
        TokensOutput = output,
        TokensCacheRead = cacheRead,
        TokensCacheWrite = cacheWrite,
        CostUsd = costUsd,
    };

    /// <summary>Prices and stores <paramref name="events"/> as one batch, then tells each tenant's grain once.</summary>
    public static async Task<UsageInsert> CommitBatchAsync(IGrainFactory grains, params StructuredEvent[] events)
    {
        var catalog = TestPrices.Catalog;
        var records = events.Select(e => UsageRecord.FromEvent(e, catalog)!).ToArray();
        var insert = await Ledger.InsertAsync(records);
        foreach (var (tenant, batch) in insert.PerTenant())
        {
            using (TenantScope.Begin(tenant))
            {
                await grains.GetGrain<ITenantUsageFeed>(tenant.Value).AddUsageAsync(batch);
            }
        }

        return insert;
    }
}
