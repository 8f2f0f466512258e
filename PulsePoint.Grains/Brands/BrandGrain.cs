using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Brands;

/// <summary>
/// One brand of one tenant. The tenant comes from the grain key (checked against the caller by the
/// silo's call filter), every statement runs through <see cref="TenantDatabase"/> under RLS, and
/// summaries are cached in memory for a short time and dropped on every write made here.
/// </summary>
internal sealed partial class BrandGrain(
    TenantDatabase database,
    BrandQueryGate gate,
    IOptions<BrandOptions> options,
    TimeProvider time,
    ILogger<BrandGrain> logger) : Grain, IBrandGrain
{
    private TenantId _tenant;
    private bool _tenantValid;
    private Guid _brand;
    private BrandSummaryCache _cache = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _brand = this.GetPrimaryKey(out var extension);
        // Activation precedes the call filter, so a malformed extension must not fail here (the filter
        // then refuses the call as a tenant mismatch); a call that got past it anyway is refused in
        // AdmitAsync, so SQL never runs for an unvalidated tenant.
        _tenantValid = TenantId.TryParse(extension, out _tenant);
        _cache = new BrandSummaryCache(options.Value.SummaryCacheTtl, options.Value.SummaryCacheCapacity, time);
        return Task.CompletedTask;
    }

    async Task<BrandInfo> IBrandGrain.CreateAsync(string name)
    {
        await AdmitAsync();
        var valid = ValidName(name);
        var stored = await WriteAsync(session => session.Command(BrandSql.Create).Bind(_brand).Bind(valid));
        LogCreated(logger, _tenant.Value, _brand);
        return new BrandInfo(_brand, stored);
    }

    async Task<BrandInfo> IBrandGrain.RenameAsync(string name)
    {
        await AdmitAsync();
        var valid = ValidName(name);
        var stored = await WriteAsync(session => session.Command(BrandSql.Rename).Bind(_brand).Bind(valid));
        return new BrandInfo(_brand, stored);
    }

    async Task<BrandInfo> IBrandGrain.GetAsync()
    {
        await AdmitAsync();
        var name = await ReadAsync(BrandSql.Select, command => command.Bind(_brand), async (reader, ct) =>
            await reader.ReadAsync(ct) ? reader.GetString(0) : null);
        return new BrandInfo(_brand, name ?? throw NotFound());
    }

    async Task<BrandSummary> IBrandGrain.GetSummaryAsync(DateRange range)
    {
        await AdmitAsync();
        range = (range ?? throw new InvalidDateRangeException("Invalid date range: none was given.")).Validated();
        if (_cache.TryGet(range, out var cached))
        {
            return cached;
        }

        var summary = await ReadAsync(
            BrandSql.Summary,
            command => command.Bind(_brand).Bind(range.Start).Bind(range.EndExclusive).Bind(range.From).Bind(range.To),
            (reader, ct) => BrandRows.SummaryAsync(reader, _brand, range, ct)) ?? throw NotFound();

        _cache.Put(summary);
        return summary;
    }

    Task IBrandGrain.RecordOrderAsync(BrandOrder order) => RecordOrdersAsync([order]);

    Task<int> IBrandGrain.RecordOrdersAsync(IReadOnlyList<BrandOrder> orders) => RecordOrdersAsync(orders);

    Task IBrandGrain.RecordAdPerformanceAsync(AdPerformanceEntry entry) => RecordAdPerformanceAsync([entry]);

    Task IBrandGrain.RecordAdPerformanceBatchAsync(IReadOnlyList<AdPerformanceEntry> entries) => RecordAdPerformanceAsync(entries);

    private async Task<int> RecordOrdersAsync(IReadOnlyList<BrandOrder> orders)
    {
        await AdmitAsync();
        CheckBatch(orders, nameof(orders));
        foreach (var order in orders)
        {
            if (order is null || order.Id == Guid.Empty || order.AmountUsd < 0 || decimal.Round(order.AmountUsd, 2) != order.AmountUsd)
            {
                throw new ArgumentException("Every order needs a non-empty id and a non-negative amount with at most two decimals.", nameof(orders));
            }
        }

        _cache.Clear();
        return await RunWriteAsync(async session =>
        {
            await using var insert = session.Command(BrandSql.InsertOrders)
                .Bind(_brand)
                .Bind(orders.Select(o => o.Id).ToArray())
                .Bind(orders.Select(o => o.AmountUsd).ToArray())
                .Bind(orders.Select(o => o.CreatedAt.ToUniversalTime()).ToArray());
            return await insert.ExecuteNonQueryAsync(session.CancellationToken);
        });
    }

    private async Task RecordAdPerformanceAsync(IReadOnlyList<AdPerformanceEntry> entries)
    {
        await AdmitAsync();
        CheckBatch(entries, nameof(entries));
        foreach (var entry in entries)
        {
            if (entry is null || string.IsNullOrWhiteSpace(entry.CampaignId) || entry.CampaignId.Length > 100
                || entry.SpendUsd < 0 || entry.Impressions < 0 || entry.Clicks < 0)
            {
                throw new ArgumentException("Every ad-performance entry needs a campaign id of 1–100 characters and non-negative figures.", nameof(entries));
            }
        }

        // One row per (campaign, day) per statement: PostgreSQL refuses to upsert the same key twice at once.
        var latest = entries.GroupBy(e => (e.CampaignId, e.Day)).Select(g => g.Last()).ToArray();
        _cache.Clear();
        await RunWriteAsync(async session =>
        {
            await using var upsert = session.Command(BrandSql.UpsertAdPerformance)
                .Bind(_brand)
                .Bind(latest.Select(e => e.CampaignId).ToArray())
                .Bind(latest.Select(e => e.Day).ToArray())
                .Bind(latest.Select(e => e.SpendUsd).ToArray())
                .Bind(latest.Select(e => e.Impressions).ToArray())
                .Bind(latest.Select(e => e.Clicks).ToArray());
            return await upsert.ExecuteNonQueryAsync(session.CancellationToken);
        });
    }

    /// <summary>Runs a brand-row write that returns the stored name; no row means no such brand.</summary>
    private async Task<string> WriteAsync(Func<TenantSession, NpgsqlCommand> command)
    {
        _cache.Clear();
        var name = await RunWriteAsync(async session =>
        {
            await using var write = command(session);
            return await write.ExecuteScalarAsync(session.CancellationToken) as string;
        });
        return name ?? throw NotFound();
    }

    /// <summary>One tenant-scoped read in one round trip (see <see cref="TenantDatabase.ReadAsync{T}"/>).</summary>
    private async Task<T> ReadAsync<T>(string sql, Action<NpgsqlBatchCommand> bind, Func<NpgsqlDataReader, CancellationToken, Task<T>> read)
    {
        try
        {
            return await gate.RunAsync(() => database.ReadAsync(_tenant, sql, bind, read));
        }
        catch (NpgsqlException e)
        {
            throw Storage(e);
        }
    }

    /// <summary>Maps constraint errors to the contract's exceptions; neither says anything about other tenants.</summary>
    private async Task<T> RunWriteAsync<T>(Func<TenantSession, Task<T>> work)
    {
        try
        {
            return await gate.RunAsync(() => database.RunAsync(_tenant, work));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // The composite key (tenant_id, brand_id) found no brand of this tenant — whether or not
            // another tenant has a brand with this id.
            throw NotFound();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "brands_tenant_id_name_key")
        {
            throw new BrandNameTakenException("Another brand of this tenant already has that name.");
        }
        catch (NpgsqlException e)
        {
            throw Storage(e);
        }
    }

    private BrandStorageException Storage(NpgsqlException e)
    {
        LogStorageFailed(logger, e, _tenant.Value, _brand);
        return new BrandStorageException($"The brand store failed: {e.Message}");
    }

    private async Task AdmitAsync()
    {
        if (!_tenantValid)
        {
            throw new InvalidTenantIdException("the brand grain's key does not carry a tenant id");
        }

        BrandId.Validate(_brand);
        await ActiveTenantCheck.EnsureActiveAsync(GrainFactory, _tenant);
    }

    private BrandNotFoundException NotFound() => new($"Brand {_brand} was not found.");

    private static string ValidName(string name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200
            ? throw new ArgumentException("A brand name must be 1–200 characters and not blank.", nameof(name))
            : name.Trim();

    private static void CheckBatch<T>(IReadOnlyList<T> items, string parameter)
    {
        if (items is null || items.Count == 0 || items.Count > IBrandGrain.MaxBatch)
        {
            throw new ArgumentException($"A batch holds 1–{IBrandGrain.MaxBatch} items.", parameter);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Brand call for tenant {TenantId}, brand {BrandId} failed in PostgreSQL")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception, Guid tenantId, Guid brandId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Brand {BrandId} of tenant {TenantId} created or already present")]
    private static partial void LogCreated(ILogger logger, Guid tenantId, Guid brandId);
}
