using System.Globalization;
using Microsoft.Extensions.Logging;
using PulsePoint.Analytics;
using PulsePoint.Events;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>
/// Answers "do all my numbers agree?" per tenant and UTC day: the ledger (<c>ai_token_usage</c>, what the tenant is
/// billed from) against the event store's AI costs, the tenant grain's live counters (today only) and the warehouse.
/// Every read of tenant data runs as the application role under the tenant's row-level security through
/// <see cref="TenantDatabase"/>; only the list of tenant ids (<see cref="AllTenantsAsync"/>) is read otherwise.
/// </summary>
public sealed partial class Reconciliation
{
    // The ledger per UTC day: the priced total (unpriced rows add nothing), the rows, the unpriced rows, and the priced
    // total of events before $4 (the live day's cut; past days lie wholly before it). $1 tenant (defensive filter beside
    // RLS), $2/$3 the UTC instant range [from, to).
    private const string LedgerCostsSql = """
        select (recorded_at at time zone 'UTC')::date as day,
               coalesce(sum(total_cost_usd), 0), count(*), count(*) filter (where unpriced),
               coalesce(sum(total_cost_usd) filter (where recorded_at < $4), 0)
          from ai_token_usage
         where tenant_id = $1 and recorded_at >= $2 and recorded_at < $3
         group by 1
         order by 1
        """;

    // $1 tenant (defensive filter beside RLS), $2/$3 the UTC instant range [from, to), $4 the AI category. Every AI
    // event with a usage row carries that row's total in cost_usd (EventStore), so the sums must be the ledger's.
    private const string EventCostsSql = """
        select (occurred_at at time zone 'UTC')::date as day, coalesce(sum(cost_usd), 0)
          from observability_events
         where tenant_id = $1 and occurred_at >= $2 and occurred_at < $3 and category = $4
         group by 1
         order by 1
        """;

    // A tenant with a row, or with usage in the ledger: the event sink bills whatever tenant its caller names, so usage
    // can exist for an id that has no tenants row, and reconcile must not pass over it. RLS and the defensive filters
    // both scope the rows to the tenant ($1).
    private const string TenantExistsSql = """
        select exists (select 1 from tenants where id = $1) or exists (select 1 from ai_token_usage where tenant_id = $1)
        """;

    // The tenants table and the ledger are under forced row-level security: the application role sees one tenant's rows
    // at a time, and so does the owner. The pipeline role is BYPASSRLS and already granted select on both (0002, 0005)
    // for the sink's cross-tenant work; it is the least-privileged role that can list the ids, and it reads the ids only.
    // Every read of a tenant's data still goes through TenantDatabase as the application role. $1/$2: the range [from, to).
    private const string AllTenantsSql = """
        select id from tenants
        union
        select distinct tenant_id from ai_token_usage where recorded_at >= $1 and recorded_at < $2
        order by 1
        """;

    // Per shard, the last committed position against a destination's delivery cursor: positions only, no tenant data,
    // and only the pipeline role may read them (0004, 0007).
    private const string UndeliveredSql = """
        select coalesce(sum(greatest(0, p.position - c.position)), 0)::bigint
          from event_shard_positions p
          join event_destination_cursors c on c.shard = p.shard and c.destination = $1
        """;

    private readonly DataSources _dataSources;
    private readonly TenantDatabase _database;
    private readonly ReconciliationSource<ICostCounterReader> _counters;
    private readonly ReconciliationSource<IAnalyticsWarehouse> _warehouse;
    private readonly ReconciliationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<Reconciliation> _logger;

    /// <param name="dataSources">The database roles: the application role for every tenant read, the pipeline role for <see cref="AllTenantsAsync"/>.</param>
    /// <param name="counters">The tenant grains' live counters, or why they are not checked.</param>
    /// <param name="warehouse">The configured warehouse, or why it is not checked.</param>
    /// <param name="options">Precision, settling, the event store's retention.</param>
    /// <param name="time">The clock that says which UTC day is today.</param>
    /// <param name="logger">Where re-reads and drift are logged.</param>
    public Reconciliation(
        DataSources dataSources,
        ReconciliationSource<ICostCounterReader> counters,
        ReconciliationSource<IAnalyticsWarehouse> warehouse,
        ReconciliationOptions options,
        TimeProvider time,
        ILogger<Reconciliation> logger)
    {
        _dataSources = dataSources;
        _database = new TenantDatabase(dataSources.Application, dataSources.TenantContext);
        _counters = counters;
        _warehouse = warehouse;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>The current UTC day by the injected clock.</summary>
    public DateOnly Today => DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);

    /// <summary>
    /// Every tenant id, inactive ones included, and every id the ledger bills from <paramref name="from"/> to
    /// <paramref name="to"/> (inclusive) without a tenant row, in id order.
    /// </summary>
    public async Task<IReadOnlyList<TenantId>> AllTenantsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSources.Pipeline.CreateCommand(AllTenantsSql)
            .Bind(new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero))
            .Bind(new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tenants = new List<TenantId>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tenants.Add(new TenantId(reader.GetGuid(0)));
        }

        return tenants;
    }

    /// <summary>
    /// Events of all tenants committed but not yet delivered to <paramref name="destination"/> (its cursor name, e.g.
    /// <c>duckdb</c>). A warehouse behind the ledger by such events is catching up, not losing them: a silo that stops
    /// leaves its last delivery to the shard's next activation.
    /// </summary>
    public async Task<long> UndeliveredAsync(string destination, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSources.Pipeline.CreateCommand(UndeliveredSql).Bind(destination);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>True when the tenant has a row or ledger usage, read as the application role under its own row-level security.</summary>
    public Task<bool> ExistsAsync(TenantId tenant, CancellationToken cancellationToken = default) =>
        _database.ReadAsync(tenant, TenantExistsSql, bind: null, async (reader, ct) => await reader.ReadAsync(ct) && reader.GetBoolean(0), cancellationToken);

    /// <summary>
    /// Compares every source with the ledger for each of <paramref name="tenants"/> and each UTC day from
    /// <paramref name="from"/> to <paramref name="to"/> inclusive. Tenant-days that disagree are read again until they
    /// agree or <see cref="ReconciliationOptions.Settle"/> has passed; what still disagrees then is drift.
    /// </summary>
    /// <exception cref="ArgumentException">The range is inverted or longer than <see cref="ReconciliationOptions.MaxDays"/>.</exception>
    public async Task<ReconciliationReport> RunAsync(IReadOnlyList<TenantId> tenants, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        if (to < from)
        {
            throw new ArgumentException($"The range ends ({to:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd}).", nameof(to));
        }

        if (to.DayNumber - from.DayNumber + 1 > ReconciliationOptions.MaxDays)
        {
            throw new ArgumentException($"A reconcile covers at most {ReconciliationOptions.MaxDays} days.", nameof(to));
        }

        tenants = tenants.Distinct().ToArray();
        var now = _time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        DateTimeOffset? before = _options.LiveLag > TimeSpan.Zero ? now - _options.LiveLag : null;
        var days = new Dictionary<TenantId, ReconciliationDay[]>();
        foreach (var tenant in tenants)
        {
            days[tenant] = await ReadAsync(tenant, from, to, today, before, cancellationToken);
        }

        var settleUntil = _time.GetUtcNow() + _options.Settle;
        while (days.Values.Any(d => d.Any(x => x.Drifted)) && _time.GetUtcNow() < settleUntil)
        {
            await Task.Delay(_options.RetryDelay, _time, cancellationToken);
            foreach (var (tenant, rows) in days.Where(d => d.Value.Any(x => x.Drifted)).ToArray())
            {
                var first = rows.Where(x => x.Drifted).Min(x => x.Day);
                var last = rows.Where(x => x.Drifted).Max(x => x.Day);
                LogReadingAgain(_logger, tenant.Value, first, last);
                var again = await ReadAsync(tenant, first, last, today, before, cancellationToken);
                days[tenant] = rows.Select(x => x.Day < first || x.Day > last ? x : again[x.Day.DayNumber - first.DayNumber]).ToArray();
            }
        }

        var all = tenants.SelectMany(t => days[t]).ToArray();
        foreach (var day in all.Where(d => d.Drifted))
        {
            LogDrift(_logger, day.Tenant.Value, day.Day, string.Join("; ", day.Drifts));
        }

        var retention = today.AddDays(-_options.EventRetentionDays);
        return new ReconciliationReport(from, to, today, all,
        [
            ("ledger", "ai_token_usage (PostgreSQL, application role under RLS)"),
            ("events", "observability_events, ai.operations (PostgreSQL, application role under RLS)" +
                (from < retention ? $"; days before {retention:yyyy-MM-dd} not checked: past the event store's {_options.EventRetentionDays}-day retention" : "")),
            ("counters", today < from || today > to ? "not checked: the range does not include today, the only day with live counters" : _counters.Description),
            ("warehouse", _warehouse.Description),
            .. before is { } cut && cut < Instant(to.AddDays(1))
                ? new[] { ("live *", string.Create(CultureInfo.InvariantCulture,
                    $"events and warehouse compared for events before {cut.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z, the last {_options.LiveLag.TotalSeconds:0} s may still be on their way; counters with the whole day")) }
                : [],
        ]);
    }

    /// <summary>
    /// One tenant's days <paramref name="from"/> to <paramref name="to"/>, one row per day, from every source; the event
    /// store and the warehouse up to <paramref name="before"/> when it is set (the current day's live part left out).
    /// </summary>
    private async Task<ReconciliationDay[]> ReadAsync(
        TenantId tenant, DateOnly from, DateOnly to, DateOnly today, DateTimeOffset? before, CancellationToken cancellationToken)
    {
        var start = Instant(from);
        var end = Instant(to.AddDays(1));
        var cut = before is { } b && b < end ? b : end;
        var ledger = await LedgerCostsAsync(tenant, start, end, cut, cancellationToken);

        // Right after the ledger: under live traffic every batch committed between the two reads is a difference.
        var counters = ReconciliationAmount.NotChecked(_counters.Description);
        if (today >= from && today <= to && _counters.Reader is { } counterReader)
        {
            var read = await counterReader.ReadAsync(tenant, cancellationToken);
            counters = read.Day == today
                ? ReconciliationAmount.Checked(read.CostUsd)
                : ReconciliationAmount.NotChecked($"the tenant grain counts {read.Day:yyyy-MM-dd}, not {today:yyyy-MM-dd} (midnight UTC passed during the read)");
        }

        // The event store drops whole days past its retention; the ledger keeps them.
        var firstKept = today.AddDays(-_options.EventRetentionDays);
        var events = to < firstKept ? new Dictionary<DateOnly, decimal>() : await EventCostsAsync(tenant, Instant(from < firstKept ? firstKept : from), cut, cancellationToken);

        IReadOnlyDictionary<DateOnly, decimal>? warehouse = null;
        if (_warehouse.Reader is { } reader)
        {
            warehouse = cut <= start
                ? new Dictionary<DateOnly, decimal>()
                : (await reader.DailyCostAsync(tenant, new AnalyticsRange(start, cut), cancellationToken)).ToDictionary(d => d.Day, d => d.CostUsd);
        }

        var rows = new ReconciliationDay[to.DayNumber - from.DayNumber + 1];
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var billed = ledger.GetValueOrDefault(day);
            var live = cut < Instant(day.AddDays(1));
            rows[day.DayNumber - from.DayNumber] = new ReconciliationDay(
                tenant,
                day,
                billed.Usd,
                billed.Events,
                billed.Unpriced,
                day < firstKept
                    ? ReconciliationAmount.NotChecked($"past the event store's {_options.EventRetentionDays}-day retention")
                    : ReconciliationAmount.Checked(events.GetValueOrDefault(day)),
                day == today ? counters : ReconciliationAmount.NotApplicable,
                warehouse is null ? ReconciliationAmount.NotChecked(_warehouse.Description) : ReconciliationAmount.Checked(warehouse.GetValueOrDefault(day)),
                live ? cut : null,
                live ? billed.BeforeUsd : null);
        }

        return rows;
    }

    private Task<Dictionary<DateOnly, (decimal Usd, long Events, long Unpriced, decimal BeforeUsd)>> LedgerCostsAsync(
        TenantId tenant, DateTimeOffset start, DateTimeOffset end, DateTimeOffset before, CancellationToken cancellationToken) =>
        _database.ReadAsync(tenant, LedgerCostsSql, c => c.Bind(start).Bind(end).Bind(before), async (reader, ct) =>
        {
            var days = new Dictionary<DateOnly, (decimal, long, long, decimal)>();
            while (await reader.ReadAsync(ct))
            {
                days[reader.GetFieldValue<DateOnly>(0)] = (reader.GetDecimal(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetDecimal(4));
            }

            return days;
        }, cancellationToken);

    private Task<Dictionary<DateOnly, decimal>> EventCostsAsync(TenantId tenant, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        return _database.ReadAsync(tenant, EventCostsSql, c => c.Bind(start).Bind(end).Bind(EventNames.Of(EventCategory.AiOperations)), async (reader, ct) =>
        {
            var costs = new Dictionary<DateOnly, decimal>();
            while (await reader.ReadAsync(ct))
            {
                costs[reader.GetFieldValue<DateOnly>(0)] = reader.GetDecimal(1);
            }

            return costs;
        }, cancellationToken);
    }

    private static DateTimeOffset Instant(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reconcile: tenant {TenantId} disagrees on {First} to {Last}; reading those days again")]
    private static partial void LogReadingAgain(ILogger logger, Guid tenantId, DateOnly first, DateOnly last);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconcile: tenant {TenantId} on {Day}: {Drifts}")]
    private static partial void LogDrift(ILogger logger, Guid tenantId, DateOnly day, string drifts);
}
