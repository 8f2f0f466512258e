using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>
/// One row of <c>ai_token_usage</c>: an AI event's tokens and its priced cost. <see cref="ReasoningTokens"/> are a part
/// of <see cref="OutputTokens"/>.
/// </summary>
public sealed record UsageRecord(
    TenantId Tenant,
    Guid EventId,
    Guid? BrandId,
    string Model,
    string Operation,
    long InputTokens,
    long OutputTokens,
    long CacheReadTokens,
    long CacheWriteTokens,
    long TotalTokens,
    AiCost Cost,
    DateTimeOffset RecordedAt,
    Guid? BudgetReservationId = null,
    long ReasoningTokens = 0,
    string? UserId = null,
    string? ApiKeyId = null,
    string? Feature = null)
{
    /// <summary>The model column's value for an AI event that names no model (it is then unpriced).</summary>
    public const string UnknownModel = "unknown";

    /// <summary>The UTC day the event is billed to.</summary>
    public DateOnly Day => DateOnly.FromDateTime(RecordedAt.UtcDateTime);

    /// <summary>
    /// The one mapping from an event to its usage row, priced with <paramref name="catalog"/> at the
    /// event's timestamp. Null when the event is not an AI event with usage (category ai.operations with a
    /// model, a token count or a cost).
    /// </summary>
    public static UsageRecord? FromEvent(StructuredEvent e, PricingCatalog catalog)
    {
        if (e.Category != EventCategory.AiOperations
            || (e.AiModel is null && e.TokensInput is null && e.TokensOutput is null && e.TokensCacheRead is null
                && e.TokensCacheWrite is null && e.TokensReasoning is null && e.TokensUsed is null && e.CostUsd is null))
        {
            return null;
        }

        var input = e.TokensInput ?? 0;
        var output = e.TokensOutput ?? 0;
        var cacheRead = e.TokensCacheRead ?? 0;
        var cacheWrite = e.TokensCacheWrite ?? 0;
        var reasoning = e.TokensReasoning ?? 0;
        var cost = CostCalculator.Price(catalog, e.AiModel, e.Timestamp, input, output, cacheRead, cacheWrite, e.CostUsd, e.TokensUsed, reasoning, e.TenantId);
        return new UsageRecord(
            e.TenantId,
            e.EventId,
            e.BrandId,
            string.IsNullOrWhiteSpace(e.AiModel) ? UnknownModel : e.AiModel.Trim(),
            e.EventType,
            input,
            output,
            cacheRead,
            cacheWrite,
            e.TokensUsed ?? input + output + cacheRead + cacheWrite,
            cost,
            e.Timestamp.ToUniversalTime(),
            e.BudgetReservationId,
            reasoning,
            string.IsNullOrEmpty(e.UserId) ? null : e.UserId,
            SpendAttributes.Of(e, SpendAttributes.ApiKeyId),
            SpendAttributes.Of(e, SpendAttributes.Feature));
    }

    /// <summary>This record as a one-event usage line.</summary>
    public UsageLine ToLine() => new(
        Day, Model, 1, InputTokens, OutputTokens, CacheReadTokens, CacheWriteTokens, TotalTokens,
        Cost.TotalUsd ?? 0m, Cost.Unpriced ? 1 : 0);
}
