using Npgsql;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Alerts;

/// <summary>
/// The delivery workers' SQL over <c>alert_deliveries</c>, as the pipeline role (the workers serve every tenant, like
/// the event relay; nothing tenant-facing runs here). A claim takes due pending rows with <c>FOR UPDATE SKIP
/// LOCKED</c>, so two silos claiming at once get different rows, and leases them (<c>locked_until</c>): a row stays
/// with its worker until the attempt is recorded or the lease ends (a crashed silo's rows come back then).
/// </summary>
public sealed class AlertDeliveryQueue(DataSources dataSources, ChannelSecrets secrets)
{
    // $1 now, $2 how many, $3 channels this worker has an attempt in flight for, $4 lease end.
    private const string ClaimSql = """
        with due as (
            select tenant_id, delivery_id from alert_deliveries
             where status = 'pending' and next_attempt_at <= $1
               and (locked_until is null or locked_until <= $1)
               and coalesce(channel_id, operator_channel_id) <> all($3)
             order by next_attempt_at
             limit $2
             for update skip locked),
        claimed as (
            update alert_deliveries d
               set locked_until = $4, attempts = d.attempts + 1, last_attempt_at = $1
              from due
             where d.tenant_id = due.tenant_id and d.delivery_id = due.delivery_id
            returning d.tenant_id, d.delivery_id, d.alert_id, d.channel_id, d.operator_channel_id, d.attempts)
        select c.tenant_id, c.delivery_id, c.attempts,
               a.id, a.kind, a.severity, a.day, a.raised_at, a.summary, a.details::text,
               coalesce(tc.id, oc.id), oc.id is not null, coalesce(tc.kind, oc.kind), coalesce(tc.name, oc.name),
               coalesce(tc.settings, oc.settings)::text, coalesce(tc.secret, oc.secret), coalesce(tc.removed_at, oc.removed_at) is not null
          from claimed c
          join alerts a on a.tenant_id = c.tenant_id and a.id = c.alert_id
          left join alert_channels tc on tc.tenant_id = c.tenant_id and tc.id = c.channel_id
          left join operator_alert_channels oc on oc.id = c.operator_channel_id
         order by a.raised_at
        """;

    private const string DeliveredSql =
        "update alert_deliveries set status = 'delivered', delivered_at = $3, locked_until = null where tenant_id = $1 and delivery_id = $2";

    private const string FailedSql = """
        update alert_deliveries
           set status = case when $5 then 'failed' else 'pending' end, next_attempt_at = $3, last_error = $4, locked_until = null
         where tenant_id = $1 and delivery_id = $2
        """;

    // Claimed but not attempted (its channel failed just before, or the silo is stopping): the claim is undone.
    private const string ReleaseSql =
        "update alert_deliveries set attempts = attempts - 1, next_attempt_at = greatest(next_attempt_at, $3), locked_until = null where tenant_id = $1 and delivery_id = $2";

    private const string CancelSql =
        "update alert_deliveries set status = 'cancelled', locked_until = null where tenant_id = $1 and delivery_id = $2";

    /// <summary>A claimed delivery; <see cref="ChannelRemoved"/> ones are to be cancelled, <see cref="Problem"/> ones failed without an attempt.</summary>
    public sealed record Claim(AlertDelivery Delivery, bool ChannelRemoved, string? Problem);

    /// <summary>Claims up to <paramref name="limit"/> due deliveries, none to a channel in <paramref name="busyChannels"/>.</summary>
    public async Task<IReadOnlyList<Claim>> ClaimAsync(int limit, IReadOnlyCollection<Guid> busyChannels, DateTimeOffset now, TimeSpan lease, CancellationToken ct)
    {
        await using var command = dataSources.Pipeline.CreateCommand(ClaimSql).Bind(now).Bind(limit).Bind(busyChannels.ToArray()).Bind(now + lease);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var claims = new List<Claim>();
        while (await reader.ReadAsync(ct))
        {
            var tenant = new TenantId(reader.GetGuid(0));
            var channelId = reader.GetGuid(10);
            var isOperator = reader.GetBoolean(11);
            string? secret = null;
            string? problem = null;
            if (!reader.IsDBNull(15))
            {
                try
                {
                    secret = secrets.Open(reader.GetFieldValue<byte[]>(15), AlertChannel.OwnerOf(isOperator ? null : tenant), channelId);
                }
                catch (InvalidOperationException e)
                {
                    problem = e.Message;
                }
            }

            var channel = new AlertChannel(channelId, isOperator, AlertChannelStore.ParseKind(reader.GetString(12)), reader.GetString(13),
                ChannelSettings.FromJson(reader.GetString(14)), secret);
            var delivery = new AlertDelivery(tenant, reader.GetGuid(1), AlertOutbox.Read(reader, 3), channel, reader.GetInt32(2));
            claims.Add(new Claim(delivery, reader.GetBoolean(16), problem));
        }

        return claims;
    }

    /// <summary>The receiver accepted the delivery.</summary>
    public Task DeliveredAsync(AlertDelivery delivery, DateTimeOffset now, CancellationToken ct) =>
        ExecuteAsync(DeliveredSql, delivery, ct, now);

    /// <summary>The attempt failed: next try at <paramref name="nextAttemptAt"/>, or none when <paramref name="giveUp"/>.</summary>
    public Task FailedAsync(AlertDelivery delivery, DateTimeOffset nextAttemptAt, string error, bool giveUp, CancellationToken ct) =>
        ExecuteAsync(FailedSql, delivery, ct, nextAttemptAt, error.Length <= 1000 ? error : error[..1000], giveUp);

    /// <summary>Returns a claimed delivery unattempted, due no earlier than <paramref name="notBefore"/>.</summary>
    public Task ReleaseAsync(AlertDelivery delivery, DateTimeOffset notBefore, CancellationToken ct) =>
        ExecuteAsync(ReleaseSql, delivery, ct, notBefore);

    /// <summary>The delivery's channel was removed: it is not sent.</summary>
    public Task CancelAsync(AlertDelivery delivery, CancellationToken ct) =>
        ExecuteAsync(CancelSql, delivery, ct);

    private async Task ExecuteAsync(string sql, AlertDelivery delivery, CancellationToken ct, params object?[] values)
    {
        await using var command = dataSources.Pipeline.CreateCommand(sql).Bind(delivery.Tenant.Value).Bind(delivery.DeliveryId);
        foreach (var value in values)
        {
            command.Bind(value);
        }

        await command.ExecuteNonQueryAsync(ct);
    }
}
