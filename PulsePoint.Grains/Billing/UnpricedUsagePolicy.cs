using PulsePoint.Events;

namespace PulsePoint.Billing;

/// <summary>
/// The <c>cost.unpriced</c> WARNING an AI event without a price raises. It is written in the same
/// transaction as the event and its usage row, under an id derived from the event's, so a retried
/// event never raises it twice and a stored event never lacks it.
/// </summary>
public static class UnpricedUsagePolicy
{
    /// <summary>The warning's id: SHA-256 of the source event's tenant and id (RFC 9562 version 8).</summary>
    public static Guid EventIdOf(StructuredEvent source) =>
        DerivedEventId.Of($"pulsepoint/cost.unpriced/{source.TenantId}/{source.EventId:D}");

    /// <summary>The BILLING warning for <paramref name="source"/>, whose <paramref name="usage"/> is unpriced.</summary>
    public static StructuredEvent ToEvent(StructuredEvent source, UsageRecord usage)
    {
        var reason = usage.Cost.UnpricedReason ?? "no price";
        var message = $"AI event {source.EventId:D} ({usage.Model}, {usage.TotalTokens} tokens) is not priced: {reason}. " +
                      "It is counted in tokens but not in cost; add the model to model_prices.";
        return new StructuredEvent
        {
            EventId = EventIdOf(source),
            RequestId = source.RequestId,
            TenantId = source.TenantId,
            BrandId = source.BrandId,
            Category = EventCategory.Billing,
            EventType = EventTypes.CostUnpriced,
            Severity = EventSeverity.Warning,
            Status = EventStatus.Success,
            Timestamp = source.Timestamp,
            TokensUsed = usage.TotalTokens,
            AiModel = source.AiModel is { Length: <= 100 } model ? model : null,
            ErrorCode = "model_unpriced",
            ErrorMessage = message.Length <= StructuredEventValidator.MaxErrorMessageLength ? message : message[..StructuredEventValidator.MaxErrorMessageLength],
        };
    }
}
