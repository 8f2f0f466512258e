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

    private readonly DataSources _dataSources;
    private readonly TenantDatabase _database;
    private readonly UsageLedger _ledger;
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
        _database = new TenantDatabase(dataSources.Application);
        _ledger = new UsageLedger(dataSources, _database);
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
        var today = Today;
        var days = new Dictionary<TenantId, ReconciliationDay[]>();
        foreach (var tenant in tenants)
        {
            days[tenant] = await ReadAsync(tenant, from, to, today, cancellationToken);
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
                var again = await ReadAsync(tenant, first, last, today, cancellationToken);
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
        ]);
    }

    /// <summary>One tenant's days <paramref name="from"/> to <paramref name="to"/>, one row per day, from every source.</summary>
    private async Task<ReconciliationDay[]> ReadAsync(TenantId tenant, DateOnly from, DateOnly to, DateOnly today, CancellationToken cancellationToken)
    {
        var ledger = (await _ledger.ReadDaysAsync(tenant, from, to, cancellationToken))
            .GroupBy(l => l.Day)
            .ToDictionary(g => g.Key, g => (Usd: g.Sum(l => l.CostUsd), Events: g.Sum(l => l.Events), Unpriced: g.Sum(l => l.UnpricedEvents)));

        // The event store drops whole days past its retention; the ledger keeps them.
        var firstKept = today.AddDays(-_options.EventRetentionDays);
        var events = to < firstKept ? new Dictionary<DateOnly, decimal>() : await EventCostsAsync(tenant, from < firstKept ? firstKept : from, to, cancellationToken);

        IReadOnlyDictionary<DateOnly, decimal>? warehouse = null;
        if (_warehouse.Reader is { } reader)
        {
            warehouse = (await reader.DailyCostAsync(tenant, AnalyticsRange.Days(from, to), cancellationToken)).ToDictionary(d => d.Day, d => d.CostUsd);
        }

        var counters = ReconciliationAmount.NotChecked(_counters.Description);
        if (today >= from && today <= to && _counters.Reader is { } counterReader)
        {
            var read = await counterReader.ReadAsync(tenant, cancellationToken);
            counters = read.Day == today
                ? ReconciliationAmount.Checked(read.CostUsd)
                : ReconciliationAmount.NotChecked($"the tenant grain counts {read.Day:yyyy-MM-dd}, not {today:yyyy-MM-dd} (midnight UTC passed during the read)");
        }

        var rows = new ReconciliationDay[to.DayNumber - from.DayNumber + 1];
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var billed = ledger.GetValueOrDefault(day);
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
                warehouse is null ? ReconciliationAmount.NotChecked(_warehouse.Description) : ReconciliationAmount.Checked(warehouse.GetValueOrDefault(day)));
        }

        return rows;
    }

    private Task<Dictionary<DateOnly, decimal>> EventCostsAsync(TenantId tenant, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reconcile: tenant {TenantId} disagrees on {First} to {Last}; reading those days again")]
    private static partial void LogReadingAgain(ILogger logger, Guid tenantId, DateOnly first, DateOnly last);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconcile: tenant {TenantId} on {Day}: {Drifts}")]
    private static partial void LogDrift(ILogger logger, Guid tenantId, DateOnly day, string drifts);
}
