using PulsePoint.Tenancy;

namespace PulsePoint.Alerts;

/// <summary>
/// A tenant's alert channels (key: the tenant id; the silo's tenant call filter admits only that tenant). Holds
/// nothing in memory: every call reads or writes PostgreSQL through <see cref="AlertChannelStore"/>, under RLS.
/// </summary>
internal sealed class AlertChannelsGrain(AlertChannelStore store, AlertSender sender, TimeProvider time) : Grain, IAlertChannelsGrain
{
    private TenantId Tenant => new(this.GetPrimaryKey());

    Task<AlertChannelCreated> IAlertChannelsGrain.AddAsync(NewAlertChannel channel) =>
        store.AddAsync(Tenant, channel, time.GetUtcNow());

    Task<IReadOnlyList<AlertChannelInfo>> IAlertChannelsGrain.ListAsync() => store.ListAsync(Tenant);

    Task<IReadOnlyList<AlertDeliveryStatus>> IAlertChannelsGrain.GetDeliveriesAsync(int limit) => store.DeliveriesAsync(Tenant, limit);

    Task<bool> IAlertChannelsGrain.RemoveAsync(Guid channelId) => store.RemoveAsync(Tenant, channelId, time.GetUtcNow());

    async Task<AlertChannelTestResult> IAlertChannelsGrain.TestAsync(Guid channelId)
    {
        if (await store.GetAsync(Tenant, channelId) is not { } channel)
        {
            return new AlertChannelTestResult(false, $"the tenant has no channel {channelId:D}");
        }

        return await TestChannel.SendAsync(sender, Tenant, channel, time.GetUtcNow());
    }
}
