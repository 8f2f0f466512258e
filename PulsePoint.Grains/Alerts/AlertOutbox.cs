using Npgsql;
using PulsePoint.Events;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Alerts;

/// <summary>
/// Records a tenant's alerts and their deliveries in one transaction (application role, row-level security): each
/// alert row, and only when it is new, one <c>alert_deliveries</c> row per channel of the tenant and of the operator
/// that exists at that moment. So an alert that is recorded will be delivered, nothing is delivered for an alert that
/// is not, and recording the same alert again (a retry) adds nothing. Then wakes this silo's delivery worker.
/// </summary>
public sealed class AlertOutbox(TenantDatabase database, AlertDeliverySignal signal, TimeProvider time)
{
    // $1 tenant; the delivery id is derived from (alert, channel), so it is stable for the pair. $9: due now.
    private const string RecordSql = """
        with recorded as (
            insert into alerts (tenant_id, id, kind, severity, day, raised_at, summary, details)
            values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
            on conflict do nothing
            returning tenant_id, id)
        insert into alert_deliveries (tenant_id, delivery_id, alert_id, channel_id, operator_channel_id, next_attempt_at)
        select r.tenant_id, md5(r.id::text || '/tenant/' || c.id::text)::uuid, r.id, c.id, null, $9
          from recorded r join alert_channels c on c.tenant_id = r.tenant_id and c.removed_at is null
        union all
        select r.tenant_id, md5(r.id::text || '/operator/' || o.id::text)::uuid, r.id, null, o.id, $9
          from recorded r cross join operator_alert_channels o
         where o.removed_at is null
        """;

    /// <summary>Records <paramref name="alerts"/> of <paramref name="tenant"/> with their deliveries; idempotent by alert id.</summary>
    public async Task RecordAsync(TenantId tenant, IReadOnlyList<Alert> alerts, CancellationToken cancellationToken = default)
    {
        if (alerts.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        await database.RunAsync(tenant, async session =>
        {
            foreach (var alert in alerts)
            {
                await using var record = session.Command(RecordSql)
                    .Bind(alert.Id).Bind(alert.Kind).Bind(EventNames.Of(alert.Severity)).Bind(alert.Day).Bind(alert.RaisedAt)
                    .Bind(alert.Summary).Bind(DetailsJson(alert)).Bind(now);
                await record.ExecuteNonQueryAsync(session.CancellationToken);
            }
        }, cancellationToken);
        signal.Wake();
    }

    /// <summary>The alert's details, and what it resolves, as the <c>details</c> column stores them.</summary>
    public static string DetailsJson(Alert alert) =>
        alert.Resolves.Count == 0
            ? alert.Details.ToJson()
            : new EventAttributes(alert.Details.Append(KeyValuePair.Create("resolves", string.Join(',', alert.Resolves.Select(id => id.ToString("D")))))).ToJson();

    /// <summary>An alert read back from its row.</summary>
    public static Alert Read(NpgsqlDataReader reader, int o)
    {
        var details = EventAttributes.FromJson(reader.GetString(o + 6));
        var resolves = details.TryGetValue("resolves", out var ids) ? ids.Split(',').Select(Guid.Parse).ToArray() : [];
        return new Alert(
            reader.GetGuid(o),
            reader.GetString(o + 1),
            reader.GetFieldValue<DateOnly>(o + 3),
            EventNames.ParseSeverity(reader.GetString(o + 2)) ?? EventSeverity.Warning,
            reader.GetFieldValue<DateTimeOffset>(o + 4),
            reader.GetString(o + 5),
            new EventAttributes(details.Where(d => d.Key != "resolves")),
            resolves);
    }
}
