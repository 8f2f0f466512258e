using Npgsql;
using NpgsqlTypes;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>
/// The SQL of <c>ai_token_usage</c>: the sink's insert (pipeline role, inside the event batch's
/// transaction) and the tenant-scoped reads (application role, through <see cref="TenantDatabase"/>).
/// </summary>
public sealed class UsageLedger(DataSources dataSources, TenantDatabase tenants)
{
    /// <summary>Longest range a report may cover, so one call cannot scan years of rows.</summary>
    public const int MaxReportDays = 366;

    private const string Columns = """
        tenant_id, event_id, brand_id, model, operation,
        input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, total_tokens,
        input_cost_usd, output_cost_usd, cache_read_cost_usd, cache_write_cost_usd, total_cost_usd,
        price_source, unpriced, recorded_at, budget_reservation_id, reasoning_tokens, reasoning_cost_usd,
        user_id, api_key_id, feature
        """;

    // The records as rows, in the order AddRecords binds them.
    private const string Records = """
        unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[],
               $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[],
               $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[], $15::numeric[],
               $16::text[], $17::timestamptz[], $18::uuid[], $19::bigint[], $20::numeric[],
               $21::text[], $22::text[], $23::text[])
            as u(tenant_id, event_id, brand_id, model, operation,
                 input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, total_tokens,
                 input_cost, output_cost, cache_read_cost, cache_write_cost, total_cost,
                 price_source, recorded_at, budget_reservation_id, reasoning_tokens, reasoning_cost,
                 user_id, api_key_id, feature)
        """;

    // ON CONFLICT on the (tenant_id, event_id) key: a retry never bills twice; the row is the billing
    // event's claim of its id (0007). A brand id the tenant does not have is stored as null so the
    // composite foreign key cannot fail the whole batch.
    private const string InsertSql =
        "insert into ai_token_usage (" + Columns + """
        )
        select u.tenant_id, u.event_id,
               (select b.id from brands b where b.tenant_id = u.tenant_id and b.id = u.brand_id),
               u.model, u.operation,
               u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_write_tokens, u.total_tokens,
               u.input_cost, u.output_cost, u.cache_read_cost, u.cache_write_cost, u.total_cost,
               u.price_source, u.total_cost is null, u.recorded_at, u.budget_reservation_id, u.reasoning_tokens, u.reasoning_cost,
               u.user_id, u.api_key_id, u.feature
          from
        """ + " " + Records + """
        on conflict (tenant_id, event_id) do nothing
        returning tenant_id, event_id, pg_current_xact_id()::text::bigint
        """;

    // The fast path of a flush whose every event id is new: no conflict handling, no brand lookup. A row
    // that already exists (23505) or names a brand its tenant does not have (23503) fails the statement.
    private const string InsertNewSql =
        "insert into ai_token_usage (" + Columns + """
        )
        select u.tenant_id, u.event_id, u.brand_id, u.model, u.operation,
               u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_write_tokens, u.total_tokens,
               u.input_cost, u.output_cost, u.cache_read_cost, u.cache_write_cost, u.total_cost,
               u.price_source, u.total_cost is null, u.recorded_at, u.budget_reservation_id, u.reasoning_tokens, u.reasoning_cost,
               u.user_id, u.api_key_id, u.feature
          from
        """ + " " + Records;

    // $1 tenant (defensive filter beside RLS), $2/$3 the UTC instant range [from, to).
    private const string DaysSql = """
        select (recorded_at at time zone 'UTC')::date as day, model,
               count(*), sum(input_tokens)::bigint, sum(output_tokens)::bigint,
               sum(cache_read_tokens)::bigint, sum(cache_write_tokens)::bigint, sum(total_tokens)::bigint,
               coalesce(sum(total_cost_usd), 0), count(*) filter (where unpriced)
          from ai_token_usage
         where tenant_id = $1 and recorded_at >= $2 and recorded_at < $3
         group by 1, 2
         order by 1, 2
        """;

    // The same aggregation per day and model, plus each day's cost per budget reservation (rows whose
    // model is null), with the statement's snapshot (pg_current_snapshot() is the snapshot the statement
    // reads with); one row with nulls when there is no usage.
    private const string CountersSql = """
        select s.snapshot, d.*
          from (select pg_current_snapshot()::text as snapshot) s
          left join lateral (
                select (recorded_at at time zone 'UTC')::date as day, model,
                       count(*), sum(input_tokens)::bigint, sum(output_tokens)::bigint,
                       sum(cache_read_tokens)::bigint, sum(cache_write_tokens)::bigint, sum(total_tokens)::bigint,
                       coalesce(sum(total_cost_usd), 0), count(*) filter (where unpriced), budget_reservation_id
                  from ai_token_usage
                 where tenant_id = $1 and recorded_at >= $2 and recorded_at < $3
                 group by grouping sets ((1, model), (1, budget_reservation_id))
                having grouping(model) = 0 or budget_reservation_id is not null) d on true
         order by d.day, d.model, d.budget_reservation_id
        """;

    // The spend limits' recorded cost per subject: $2/$3 the month, $4/$5 the day within it, with the statement's
    // snapshot; one row with nulls when there is no usage. grouping(x) = 0 marks the rows grouped by x.
    private const string SpendSql = """
        select s.snapshot, d.*
          from (select pg_current_snapshot()::text as snapshot) s
          left join lateral (
                select grouping(user_id) as by_user, grouping(api_key_id) as by_key, grouping(feature) as by_feature,
                       user_id, api_key_id, feature,
                       coalesce(sum(total_cost_usd) filter (where recorded_at >= $4 and recorded_at < $5), 0),
                       coalesce(sum(total_cost_usd), 0)
                  from ai_token_usage
                 where tenant_id = $1 and recorded_at >= $2 and recorded_at < $3
                 group by grouping sets ((), (user_id), (api_key_id), (feature))) d on true
        """;

    /// <summary>
    /// Inserts <paramref name="records"/> in the caller's transaction (the event batch's); returns those
    /// inserted now — a record whose (tenant, event id) is already stored is skipped.
    /// </summary>
    public static async Task<UsageInsert> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<UsageRecord> records, CancellationToken ct)
    {
        if (records.Count == 0)
        {
            return new UsageInsert([], null);
        }

        await using var insert = new NpgsqlCommand(InsertSql, connection, transaction);
        AddRecords(insert.Parameters, records);

        var inserted = new HashSet<(Guid, Guid)>();
        long? xid = null;
        await using (var reader = await insert.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                inserted.Add((reader.GetGuid(0), reader.GetGuid(1)));
                xid = reader.GetInt64(2);
            }
        }

        return new UsageInsert(records.Where(r => inserted.Remove((r.Tenant.Value, r.EventId))).ToArray(), xid);
    }

    /// <summary>
    /// The insert of <paramref name="records"/> for a batch that runs in the event flush's transaction.
    /// Unlike <see cref="InsertAsync(NpgsqlConnection, NpgsqlTransaction, IReadOnlyList{UsageRecord}, CancellationToken)"/>
    /// it neither skips a record whose event already has a row (23505) nor drops a brand the tenant does not
    /// have (23503): either fails the transaction, and the caller falls back to that insert, which does both.
    /// </summary>
    public static NpgsqlBatchCommand InsertNewCommand(IReadOnlyList<UsageRecord> records)
    {
        var insert = new NpgsqlBatchCommand(InsertNewSql);
        AddRecords(insert.Parameters, records);
        return insert;
    }

    /// <summary>Inserts <paramref name="records"/> in a transaction of its own (pipeline role); returns those inserted now.</summary>
    public async Task<UsageInsert> InsertAsync(IReadOnlyList<UsageRecord> records, CancellationToken ct = default)
    {
        await using var connection = await dataSources.Pipeline.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var inserted = await InsertAsync(connection, transaction, records, ct);
        await transaction.CommitAsync(ct);
        return inserted;
    }

    /// <summary>
    /// Sums records per tenant, then per UTC day and model (and, for records that name a budget reservation,
    /// per day and reservation): one <see cref="UsageBatch"/> per tenant.
    /// </summary>
    public static IReadOnlyDictionary<TenantId, UsageBatch> Summarize(IEnumerable<UsageRecord> records, long? transactionId) =>
        records.GroupBy(r => r.Tenant).ToDictionary(
            t => t.Key,
            t => new UsageBatch(
                t.GroupBy(r => (r.Day, r.Model))
                    .Select(g => g.Select(r => r.ToLine()).Aggregate((a, b) => a.Add(b)))
                    .OrderBy(l => l.Day).ThenBy(l => l.Model, StringComparer.Ordinal)
                    .ToArray(),
                t.Where(r => r.BudgetReservationId is not null)
                    .GroupBy(r => (r.Day, Reservation: r.BudgetReservationId!.Value))
                    .Select(g => new ReservationUsage(g.Key.Day, g.Key.Reservation, g.Sum(r => r.Cost.TotalUsd ?? 0m)))
                    .ToArray(),
                transactionId,
                t.GroupBy(r => (Quarter: ScopedUsage.QuarterOf(r.RecordedAt), r.UserId, r.ApiKeyId, r.Feature, Reserved: r.BudgetReservationId is not null))
                    .Select(g => new ScopedUsage(g.Key.Quarter, g.Key.UserId, g.Key.ApiKeyId, g.Key.Feature, g.Key.Reserved,
                        g.Sum(r => r.Cost.TotalUsd ?? 0m), g.Sum(r => r.TotalTokens)))
                    .ToArray()));

    /// <summary>
    /// Like <see cref="ReadDaysAsync"/>, plus the snapshot the read saw, so the tenant grain can tell
    /// which later-announced batches its load already counted.
    /// </summary>
    public Task<(UsageBatch Usage, PgSnapshot Snapshot)> ReadCountersAsync(TenantId tenant, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        var (start, end) = Range(from, to);
        return tenants.ReadAsync(tenant, CountersSql, c => c.Bind(start).Bind(end), async (reader, token) =>
        {
            var lines = new List<UsageLine>();
            var reserved = new List<ReservationUsage>();
            PgSnapshot? snapshot = null;
            while (await reader.ReadAsync(token))
            {
                snapshot ??= PgSnapshot.Parse(reader.GetString(0));
                if (reader.IsDBNull(1))
                {
                    continue;
                }

                if (!reader.IsDBNull(2))
                {
                    lines.Add(ReadLine(reader, 1));
                }
                else
                {
                    reserved.Add(new ReservationUsage(reader.GetFieldValue<DateOnly>(1), reader.GetGuid(11), reader.GetDecimal(9)));
                }
            }

            var snapshotSeen = snapshot ?? throw new InvalidOperationException("the counters query returned no snapshot");
            return (new UsageBatch(lines, reserved, null), snapshotSeen);
        }, ct);
    }

    /// <summary>
    /// The recorded cost of the tenant's AI events in <paramref name="month"/> and <paramref name="day"/>, for the tenant and
    /// per user, API key and feature, with the snapshot the read saw (like <see cref="ReadCountersAsync"/>).
    /// </summary>
    public Task<(IReadOnlyList<RecordedSpend> Spend, PgSnapshot Snapshot)> ReadSpendAsync(
        TenantId tenant, (DateTimeOffset Start, DateTimeOffset End) month, (DateTimeOffset Start, DateTimeOffset End) day, CancellationToken ct = default) =>
        tenants.ReadAsync<(IReadOnlyList<RecordedSpend>, PgSnapshot)>(tenant, SpendSql, c => c.Bind(month.Start).Bind(month.End).Bind(day.Start).Bind(day.End), async (reader, token) =>
        {
            var spend = new List<RecordedSpend>();
            PgSnapshot? snapshot = null;
            while (await reader.ReadAsync(token))
            {
                snapshot ??= PgSnapshot.Parse(reader.GetString(0));
                if (reader.IsDBNull(1))
                {
                    continue;
                }

                var (scope, column) = (reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3)) switch
                {
                    (0, _, _) => (SpendScope.User, 4),
                    (_, 0, _) => (SpendScope.ApiKey, 5),
                    (_, _, 0) => (SpendScope.Feature, 6),
                    _ => (SpendScope.Tenant, -1),
                };
                if (column > 0 && reader.IsDBNull(column))
                {
                    continue; // the events without that id
                }

                spend.Add(new RecordedSpend(scope, column > 0 ? reader.GetString(column) : "", reader.GetDecimal(7), reader.GetDecimal(8)));
            }

            return (spend, snapshot ?? throw new InvalidOperationException("the spend query returned no snapshot"));
        }, ct);

    /// <summary>The tenant's usage per UTC day and model, <paramref name="from"/> to <paramref name="to"/> inclusive, under RLS.</summary>
    public Task<IReadOnlyList<UsageLine>> ReadDaysAsync(TenantId tenant, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        if (to < from)
        {
            throw new ArgumentException($"The range ends ({to:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd}).", nameof(to));
        }

        if (to.DayNumber - from.DayNumber + 1 > MaxReportDays)
        {
            throw new ArgumentException($"A usage report covers at most {MaxReportDays} days.", nameof(to));
        }

        var (start, end) = Range(from, to);
        return tenants.ReadAsync<IReadOnlyList<UsageLine>>(tenant, DaysSql, c => c.Bind(start).Bind(end), async (reader, token) =>
        {
            var lines = new List<UsageLine>();
            while (await reader.ReadAsync(token))
            {
                lines.Add(ReadLine(reader, 0));
            }

            return lines;
        }, ct);
    }

    private static (DateTimeOffset Start, DateTimeOffset End) Range(DateOnly from, DateOnly to) =>
        (new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));

    private static UsageLine ReadLine(NpgsqlDataReader reader, int first) => new(
        reader.GetFieldValue<DateOnly>(first),
        reader.GetString(first + 1),
        reader.GetInt64(first + 2),
        reader.GetInt64(first + 3),
        reader.GetInt64(first + 4),
        reader.GetInt64(first + 5),
        reader.GetInt64(first + 6),
        reader.GetInt64(first + 7),
        reader.GetDecimal(first + 8),
        reader.GetInt64(first + 9));

    private static void AddRecords(NpgsqlParameterCollection parameters, IReadOnlyList<UsageRecord> records)
    {
        parameters.AddArray(NpgsqlDbType.Uuid, records.Select(r => r.Tenant.Value));
        parameters.AddArray(NpgsqlDbType.Uuid, records.Select(r => r.EventId));
        parameters.AddArray(NpgsqlDbType.Uuid, records.Select(r => r.BrandId));
        parameters.AddArray(NpgsqlDbType.Text, records.Select(r => r.Model));
        parameters.AddArray(NpgsqlDbType.Text, records.Select(r => r.Operation));
        parameters.AddArray(NpgsqlDbType.Bigint, records.Select(r => r.InputTokens));
        parameters.AddArray(NpgsqlDbType.Bigint, records.Select(r => r.OutputTokens));
        parameters.AddArray(NpgsqlDbType.Bigint, records.Select(r => r.CacheReadTokens));
        parameters.AddArray(NpgsqlDbType.Bigint, records.Select(r => r.CacheWriteTokens));
        parameters.AddArray(NpgsqlDbType.Bigint, records.Select(r => r.TotalTokens));
        parameters.AddArray(NpgsqlDbType.Numeric, records.Select(r => r.Cost.InputUsd));
        parameters.AddArray(NpgsqlDbType.Numeric, records.Select(r => r.Cost.OutputUsd));
        parameters.AddArray(NpgsqlDbType.Numeric, records.Select(r => r.Cost.CacheReadUsd));
        parameters.AddArray(NpgsqlDbType.Numeric, records.Select(r => r.Cost.CacheWriteUsd));
        parameters.AddArray(NpgsqlDbType.Numeric, records.Select(r => r.Cost.TotalUsd));
        parameters.AddArray(NpgsqlDbType.Text, records.Select(r => r.Cost.PriceSource));
        parameters.AddArray(NpgsqlDbType.TimestampTz, records.Select(r => r.RecordedAt.ToUniversalTime()));
        parameters.AddArray(NpgsqlDbType.Uuid, records.Select(r => r.BudgetReservationId));
        parameters.AddArray(NpgsqlDbType.Bigint, records.Select(r => r.ReasoningTokens));
        parameters.AddArray(NpgsqlDbType.Numeric, records.Select(r => r.Cost.ReasoningUsd));
        parameters.AddArray(NpgsqlDbType.Text, records.Select(r => r.UserId));
        parameters.AddArray(NpgsqlDbType.Text, records.Select(r => r.ApiKeyId));
        parameters.AddArray(NpgsqlDbType.Text, records.Select(r => r.Feature));
    }
}
