using PulsePoint.Tenancy;

namespace PulsePoint.Alerts;

/// <summary>
/// A tenant's alert channels (key: the tenant id): where its cost alerts, budget and pricing alerts are
/// delivered, and how those deliveries stand. Channels are stored in PostgreSQL under row-level security;
/// secrets are sealed and never returned after <see cref="AddAsync"/>.
/// </summary>
[Alias("PulsePoint.IAlertChannelsGrain")]
public interface IAlertChannelsGrain : ITenantKeyedGrain
{
    /// <summary>Adds a channel; it receives the alerts raised from now on.</summary>
    /// <exception cref="InvalidAlertChannelException">A field is missing or malformed.</exception>
    [Alias("Add")]
    Task<AlertChannelCreated> AddAsync(NewAlertChannel channel);

    /// <summary>The tenant's channels with their delivery counts, oldest first.</summary>
    [Alias("List")]
    Task<IReadOnlyList<AlertChannelInfo>> ListAsync();

    /// <summary>The most recent deliveries to the tenant's channels, newest first.</summary>
    [Alias("GetDeliveries")]
    Task<IReadOnlyList<AlertDeliveryStatus>> GetDeliveriesAsync(int limit);

    /// <summary>Removes a channel: it receives nothing more, and its pending deliveries are cancelled when they come due. False when there is no such channel.</summary>
    [Alias("Remove")]
    Task<bool> RemoveAsync(Guid channelId);

    /// <summary>Sends a test message to the channel now (not through the outbox) and says whether it was accepted.</summary>
    [Alias("Test")]
    Task<AlertChannelTestResult> TestAsync(Guid channelId);
}
