using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Alerts;

/// <summary>The message <c>channels test</c> sends straight to a channel, outside the outbox, to prove it is set up right.</summary>
public static class TestChannel
{
    /// <summary>Sends a test message (kind <see cref="AlertMessage.TestKind"/>) to <paramref name="channel"/> now.</summary>
    public static async Task<AlertChannelTestResult> SendAsync(AlertSender sender, TenantId tenant, AlertChannel channel, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var alert = new Alert(Guid.NewGuid(), AlertMessage.TestKind, DateOnly.FromDateTime(now.UtcDateTime), EventSeverity.Info, now,
            $"Test message to the {channel.Kind.ToString().ToLowerInvariant()} channel '{channel.Name}': alerts will arrive like this.",
            EventAttributes.Of(("channel_id", channel.Id.ToString("D"))), []);
        try
        {
            await sender.SendAsync(new AlertDelivery(tenant, Guid.NewGuid(), alert, channel, 1), cancellationToken);
            return new AlertChannelTestResult(true, null);
        }
        catch (AlertSendException e)
        {
            return new AlertChannelTestResult(false, e.Message);
        }
    }
}
