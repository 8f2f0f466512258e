using Npgsql;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Alerts;

/// <summary>
/// Alert channels and their delivery status in PostgreSQL. A tenant's channels go through the tenant-scoped helper
/// (application role, row-level security); the operator's take the data source the caller names: the owner role to
/// add or remove (the application role may not write them), the pipeline role to read their status across tenants.
/// Secrets are sealed by <see cref="ChannelSecrets"/> before they reach SQL and never read back here.
/// </summary>
public sealed class AlertChannelStore(TenantDatabase database, ChannelSecrets secrets)
{
    private const string InsertTenantSql =
        "insert into alert_channels (tenant_id, id, kind, name, settings, secret, created_at) values ($1, $2, $3, $4, $5::jsonb, $6, $7)";

    private const string InsertOperatorSql =
        "insert into operator_alert_channels (id, kind, name, settings, secret, created_at) values ($1, $2, $3, $4::jsonb, $5, $6)";

    private const string RemoveTenantSql = "update alert_channels set removed_at = $3 where tenant_id = $1 and id = $2 and removed_at is null";

    private const string RemoveOperatorSql = "update operator_alert_channels set removed_at = $2 where id = $1 and removed_at is null";

    private const string ChannelStatusColumns = """
        c.id, c.kind, c.name, c.settings::text, c.created_at,
        count(*) filter (where d.status = 'pending'),
        count(*) filter (where d.status = 'delivered'),
        count(*) filter (where d.status = 'failed'),
        coalesce(sum(d.attempts - case when d.status = 'delivered' then 1 else 0 end), 0),
        (array_agg(d.last_error order by d.last_attempt_at desc nulls last) filter (where d.last_error is not null and d.status <> 'delivered'))[1],
        min(d.next_attempt_at) filter (where d.status = 'pending'),
        max(d.delivered_at)
        """;

    // RLS and the defensive filter both scope to the tenant ($1).
    private const string ListTenantSql =
        "select " + ChannelStatusColumns + " from alert_channels c " +
        "left join alert_deliveries d on d.tenant_id = c.tenant_id and d.channel_id = c.id " +
        "where c.tenant_id = $1 and c.removed_at is null group by c.id, c.kind, c.name, c.settings::text, c.created_at order by c.created_at, c.id";

    private const string ListOperatorSql =
        "select " + ChannelStatusColumns + " from operator_alert_channels c " +
        "left join alert_deliveries d on d.operator_channel_id = c.id " +
        "where c.removed_at is null group by c.id, c.kind, c.name, c.settings::text, c.created_at order by c.created_at, c.id";

    private const string DeliveryColumns = """
        d.delivery_id, d.alert_id, a.kind, a.summary, a.raised_at, c.id, c.name, d.status, d.attempts, d.last_error,
        case when d.status = 'pending' then d.next_attempt_at end, d.delivered_at
        """;

    private const string TenantDeliveriesSql =
        "select " + DeliveryColumns + " from alert_deliveries d " +
        "join alerts a on a.tenant_id = d.tenant_id and a.id = d.alert_id " +
        "join alert_channels c on c.tenant_id = d.tenant_id and c.id = d.channel_id " +
        "where d.tenant_id = $1 order by a.raised_at desc, c.name limit $2";

    private const string OperatorDeliveriesSql =
        "select " + DeliveryColumns + " from alert_deliveries d " +
        "join alerts a on a.tenant_id = d.tenant_id and a.id = d.alert_id " +
        "join operator_alert_channels c on c.id = d.operator_channel_id " +
        "order by a.raised_at desc, c.name limit $1";

    private const string TenantChannelSql =
        "select id, kind, name, settings::text, secret from alert_channels where tenant_id = $1 and id = $2 and removed_at is null";

    private const string OperatorChannelSql =
        "select id, kind, name, settings::text, secret from operator_alert_channels where id = $1 and removed_at is null";

    /// <summary>Adds a channel for <paramref name="tenant"/>.</summary>
    /// <exception cref="InvalidAlertChannelException">The channel is incomplete or malformed.</exception>
    public async Task<AlertChannelCreated> AddAsync(TenantId tenant, NewAlertChannel channel, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var (settings, secret, generated) = AlertChannelSpec.Check(channel);
        var id = Guid.NewGuid();
        var sealedSecret = secret is null ? null : secrets.Seal(secret, AlertChannel.OwnerOf(tenant), id);
        await database.RunAsync(tenant, async session =>
        {
            await using var insert = session.Command(InsertTenantSql)
                .Bind(id).Bind(Kind(channel.Kind)).Bind(channel.Name).Bind(settings.ToJson()).Bind(sealedSecret).Bind(now);
            await insert.ExecuteNonQueryAsync(session.CancellationToken);
        }, cancellationToken);
        return new AlertChannelCreated(Fresh(id, channel.Kind, channel.Name, settings, now), generated);
    }

    /// <summary>Adds an operator channel, which receives every tenant's alerts, through <paramref name="owner"/> (the owner role).</summary>
    public async Task<AlertChannelCreated> AddOperatorAsync(NpgsqlDataSource owner, NewAlertChannel channel, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var (settings, secret, generated) = AlertChannelSpec.Check(channel);
        var id = Guid.NewGuid();
        var sealedSecret = secret is null ? null : secrets.Seal(secret, AlertChannel.OwnerOf(null), id);
        await using var insert = owner.CreateCommand(InsertOperatorSql)
            .Bind(id).Bind(Kind(channel.Kind)).Bind(channel.Name).Bind(settings.ToJson()).Bind(sealedSecret).Bind(now);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return new AlertChannelCreated(Fresh(id, channel.Kind, channel.Name, settings, now), generated);
    }

    /// <summary>The tenant's channels with their delivery counts.</summary>
    public Task<IReadOnlyList<AlertChannelInfo>> ListAsync(TenantId tenant, CancellationToken cancellationToken = default) =>
        database.ReadAsync(tenant, ListTenantSql, bind: null, ReadChannelsAsync, cancellationToken);

    /// <summary>The operator's channels with their delivery counts over every tenant, through <paramref name="pipeline"/>.</summary>
    public static async Task<IReadOnlyList<AlertChannelInfo>> ListOperatorAsync(NpgsqlDataSource pipeline, CancellationToken cancellationToken = default)
    {
        await using var command = pipeline.CreateCommand(ListOperatorSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadChannelsAsync(reader, cancellationToken);
    }

    /// <summary>The tenant's most recent deliveries, newest first.</summary>
    public Task<IReadOnlyList<AlertDeliveryStatus>> DeliveriesAsync(TenantId tenant, int limit, CancellationToken cancellationToken = default) =>
        database.ReadAsync(tenant, TenantDeliveriesSql, c => c.Bind(Math.Clamp(limit, 1, 1000)), ReadDeliveriesAsync, cancellationToken);

    /// <summary>The operator channels' most recent deliveries, through <paramref name="pipeline"/>.</summary>
    public static async Task<IReadOnlyList<AlertDeliveryStatus>> OperatorDeliveriesAsync(NpgsqlDataSource pipeline, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = pipeline.CreateCommand(OperatorDeliveriesSql).Bind(Math.Clamp(limit, 1, 1000));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadDeliveriesAsync(reader, cancellationToken);
    }

    /// <summary>Removes the tenant's channel; false when it has none with that id.</summary>
    public Task<bool> RemoveAsync(TenantId tenant, Guid channelId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.RunAsync(tenant, async session =>
        {
            await using var update = session.Command(RemoveTenantSql).Bind(channelId).Bind(now);
            return await update.ExecuteNonQueryAsync(session.CancellationToken) == 1;
        }, cancellationToken);

    /// <summary>Removes an operator channel through <paramref name="owner"/>.</summary>
    public static async Task<bool> RemoveOperatorAsync(NpgsqlDataSource owner, Guid channelId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var update = owner.CreateCommand(RemoveOperatorSql).Bind(channelId).Bind(now);
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The tenant's channel with its secret opened, or null.</summary>
    public Task<AlertChannel?> GetAsync(TenantId tenant, Guid channelId, CancellationToken cancellationToken = default) =>
        database.ReadAsync(tenant, TenantChannelSql, c => c.Bind(channelId),
            async (reader, ct) => await reader.ReadAsync(ct) ? Open(reader, tenant) : null, cancellationToken);

    /// <summary>An operator channel with its secret opened, or null, through <paramref name="pipeline"/>.</summary>
    public async Task<AlertChannel?> GetOperatorAsync(NpgsqlDataSource pipeline, Guid channelId, CancellationToken cancellationToken = default)
    {
        await using var command = pipeline.CreateCommand(OperatorChannelSql).Bind(channelId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Open(reader, null) : null;
    }

    /// <summary>The SQL name of a channel kind.</summary>
    public static string Kind(AlertChannelKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>The channel kind of its SQL name.</summary>
    public static AlertChannelKind ParseKind(string text) => Enum.Parse<AlertChannelKind>(text, ignoreCase: true);

    private AlertChannel Open(NpgsqlDataReader reader, TenantId? tenant)
    {
        var id = reader.GetGuid(0);
        var secret = reader.IsDBNull(4) ? null : secrets.Open(reader.GetFieldValue<byte[]>(4), AlertChannel.OwnerOf(tenant), id);
        return new AlertChannel(id, tenant is null, ParseKind(reader.GetString(1)), reader.GetString(2), ChannelSettings.FromJson(reader.GetString(3)), secret);
    }

    private static AlertChannelInfo Fresh(Guid id, AlertChannelKind kind, string name, ChannelSettings settings, DateTimeOffset now) =>
        new(id, kind, name, settings.Target(kind), now, 0, 0, 0, 0, null, null, null);

    private static async Task<IReadOnlyList<AlertChannelInfo>> ReadChannelsAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var channels = new List<AlertChannelInfo>();
        while (await reader.ReadAsync(ct))
        {
            var kind = ParseKind(reader.GetString(1));
            channels.Add(new AlertChannelInfo(
                reader.GetGuid(0),
                kind,
                reader.GetString(2),
                ChannelSettings.FromJson(reader.GetString(3)).Target(kind),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetInt64(5),
                reader.GetInt64(6),
                reader.GetInt64(7),
                Convert.ToInt64(reader.GetValue(8)),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11)));
        }

        return channels;
    }

    private static async Task<IReadOnlyList<AlertDeliveryStatus>> ReadDeliveriesAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var deliveries = new List<AlertDeliveryStatus>();
        while (await reader.ReadAsync(ct))
        {
            deliveries.Add(new AlertDeliveryStatus(
                reader.GetGuid(0),
                reader.GetGuid(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetGuid(5),
                reader.GetString(6),
                reader.GetString(7),
                reader.GetInt32(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11)));
        }

        return deliveries;
    }
}
