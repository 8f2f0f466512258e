using Microsoft.Extensions.Logging;
using PulsePoint.Events;

namespace PulsePoint.Billing;

/// <summary>
/// Stand-in publisher used while no event pipeline is registered: writes billing events to the log
/// (WARNING / ERROR by the event's severity) so alerts are at least visible to operators.
/// </summary>
internal sealed partial class LoggedBillingEventPublisher(ILogger<LoggedBillingEventPublisher> logger) : IBillingEventPublisher
{
    public Task PublishAsync(IReadOnlyList<StructuredEvent> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            Log(logger, e.Severity >= EventSeverity.Error ? LogLevel.Error : LogLevel.Warning, e.EventType, e.TenantId.Value, e.EventId, e.ErrorMessage);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Message = "Billing event {EventType} for tenant {TenantId} ({EventId}): {Text}")]
    private static partial void Log(ILogger logger, LogLevel level, string eventType, Guid tenantId, Guid eventId, string? text);
}
