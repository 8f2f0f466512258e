using Npgsql;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>
/// The SQL of <c>spend_limits</c>, the tenant's time zone and the settings read that brings them with the threshold and
/// budget, under the tenant's RLS context (application role): used by
/// the billing grain and by the <c>limits</c> verb, whose edits silos pick up within <c>PulsePoint:Tenancy:RefreshPeriod</c>.
/// </summary>
public sealed class SpendLimitStore(TenantDatabase database)
{
    private const string UpsertSql = """
        insert into spend_limits (tenant_id, scope, subject, period, limit_usd, limit_tokens) values ($1, $2, $3, $4, $5, $6)
        on conflict (tenant_id, scope, subject, period) do update
           set limit_usd = excluded.limit_usd, limit_tokens = excluded.limit_tokens, updated_at = now()
        """;
    private const string CountSql = "select count(*) from spend_limits where tenant_id = $1 and not (scope = $2 and subject = $3 and period = $4)";
    private const string DeleteSql = "delete from spend_limits where tenant_id = $1 and scope = $2 and subject = $3 and period = $4";
    private const string UpdateTimeZoneSql = "update tenants set time_zone = $2, updated_at = now() where id = $1";
    // The tenant's row and its spend limits, one row per limit (one row with null limit columns when it has none).
    private const string SettingsSql = """
        select t.daily_cost_threshold_usd, t.daily_budget_usd, t.time_zone, l.scope, l.subject, l.period, l.limit_usd, l.limit_tokens
          from tenants t
          left join spend_limits l on l.tenant_id = t.id
         where t.id = $1
         order by l.scope, l.subject, l.period
        """;

    /// <summary>Adds or replaces <paramref name="limit"/>.</summary>
    /// <exception cref="ArgumentException">The limit cannot be set, or the tenant has <see cref="SpendLimits.MaxPerTenant"/> others.</exception>
    /// <exception cref="TenantNotFoundException">No such tenant.</exception>
    public async Task SetAsync(TenantId tenant, SpendLimit limit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(limit);
        if (SpendLimits.Problem(limit) is { } problem)
        {
            throw new ArgumentException($"Spend limit ({SpendLimits.ScopeName(limit.Scope)} per {SpendLimits.PeriodName(limit.Period)}): {problem}.", nameof(limit));
        }

        try
        {
            await database.RunAsync(tenant, async session =>
            {
                await using var count = Keyed(session.Command(CountSql), limit.Scope, limit.Subject, limit.Period);
                if ((long)(await count.ExecuteScalarAsync(session.CancellationToken))! >= SpendLimits.MaxPerTenant)
                {
                    throw new ArgumentException($"A tenant has at most {SpendLimits.MaxPerTenant} spend limits; remove one first.", nameof(limit));
                }

                await using var upsert = Keyed(session.Command(UpsertSql), limit.Scope, limit.Subject, limit.Period).Bind(limit.LimitUsd).Bind(limit.LimitTokens);
                await upsert.ExecuteNonQueryAsync(session.CancellationToken);
            }, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new TenantNotFoundException($"Tenant {tenant} does not exist.");
        }
    }

    /// <summary>Removes a limit; false when there was none.</summary>
    public Task<bool> RemoveAsync(TenantId tenant, SpendScope scope, string subject, SpendPeriod period, CancellationToken ct = default) =>
        database.RunAsync(tenant, async session =>
        {
            await using var delete = Keyed(session.Command(DeleteSql), scope, subject, period);
            return await delete.ExecuteNonQueryAsync(session.CancellationToken) > 0;
        }, ct);

    /// <summary>Sets the IANA time zone the tenant's spend limits count days and months in.</summary>
    /// <exception cref="ArgumentException">No such time zone here.</exception>
    /// <exception cref="TenantNotFoundException">No such tenant.</exception>
    public async Task SetTimeZoneAsync(TenantId tenant, string timeZone, CancellationToken ct = default)
    {
        if (TenantCalendar.TryFind(timeZone) is null)
        {
            throw new ArgumentException($"'{timeZone}' is not an IANA time zone known here (such as UTC or Europe/Berlin).", nameof(timeZone));
        }

        var updated = await database.RunAsync(tenant, async session =>
        {
            await using var update = session.Command(UpdateTimeZoneSql).Bind(timeZone);
            return await update.ExecuteNonQueryAsync(session.CancellationToken);
        }, ct);
        if (updated == 0)
        {
            throw new TenantNotFoundException($"Tenant {tenant} does not exist.");
        }
    }

    /// <summary>The tenant's time zone and limits, or null when there is no such tenant.</summary>
    public async Task<(string TimeZone, IReadOnlyList<SpendLimit> Limits)?> ListAsync(TenantId tenant, CancellationToken ct = default) =>
        await ReadSettingsAsync(database, tenant, ct) is { } settings ? (settings.TimeZone, settings.Limits) : null;

    /// <summary>
    /// The tenant's threshold, budget, time zone and spend limits in one read through <paramref name="source"/> (the billing
    /// grain's callers' pool or its timers' own); null when there is no such tenant.
    /// </summary>
    public static Task<BillingSettings?> ReadSettingsAsync(TenantDatabase source, TenantId tenant, CancellationToken ct = default) =>
        source.ReadAsync(tenant, SettingsSql, bind: null, async (reader, token) =>
        {
            BillingSettings? settings = null;
            var limits = new List<SpendLimit>();
            while (await reader.ReadAsync(token))
            {
                settings ??= new BillingSettings(
                    reader.IsDBNull(0) ? null : reader.GetDecimal(0), reader.IsDBNull(1) ? null : reader.GetDecimal(1), reader.GetString(2), limits);
                if (ReadLimit(reader, 3) is { } limit)
                {
                    limits.Add(limit);
                }
            }

            return settings;
        }, ct);

    /// <summary>
    /// The limit in the columns scope, subject, period, limit_usd, limit_tokens from <paramref name="first"/> on; null for
    /// a left join's empty row (or a scope or period this version does not know).
    /// </summary>
    private static SpendLimit? ReadLimit(NpgsqlDataReader reader, int first) =>
        !reader.IsDBNull(first) && SpendLimits.TryParseScope(reader.GetString(first), out var scope) && SpendLimits.TryParsePeriod(reader.GetString(first + 2), out var period)
            ? new SpendLimit(scope, reader.GetString(first + 1), period,
                reader.IsDBNull(first + 3) ? null : reader.GetDecimal(first + 3), reader.IsDBNull(first + 4) ? null : reader.GetInt64(first + 4))
            : null;

    private static NpgsqlCommand Keyed(NpgsqlCommand command, SpendScope scope, string subject, SpendPeriod period) =>
        command.Bind(SpendLimits.ScopeName(scope)).Bind(subject).Bind(SpendLimits.PeriodName(period));
}
