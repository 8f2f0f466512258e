using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PulsePoint.Billing;
using PulsePoint.Storage;

namespace PulsePoint.Tenancy;

/// <summary>
/// Holds one tenant's status in memory. PostgreSQL is read on activation and by the refresh timer only;
/// writes go to PostgreSQL and memory together, so the single activation is always the truth. It sits on
/// the path of every tenant check and brand call, so it does nothing else: the tenant's money is in
/// <see cref="TenantBillingGrain"/>.
/// </summary>
internal sealed partial class TenantGrain(
    TenantDatabase database,
    [FromKeyedServices(TenantDatabase.Background)] TenantDatabase backgroundDatabase,
    TenantMetrics metrics,
    IOptions<TenancyOptions> options,
    TimeProvider time,
    ILogger<TenantGrain> logger) : Grain, ITenantGrain, ITenantAdminGrain
{
    private const string SelectSql = "select name, status from tenants where id = $1";

    private const string InsertSql = """
        insert into tenants (id, name, status, daily_cost_threshold_usd)
        values ($1, $2, 'active', $3)
        on conflict (id) do nothing
        """;

    private const string UpdateStatusSql = "update tenants set status = $2, updated_at = now() where id = $1";

    private TenantId _tenant;
    private TenantStatus _status;
    private string? _name;
    private long _loads;
    private long _timerRefreshes;
    private DateTimeOffset _loadedAt;
    private DateTimeOffset _lastCall;
    private TimeSpan _firstRefreshDue;
    private IGrainTimer? _idleTimer;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _tenant = new TenantId(this.GetPrimaryKey());
        _lastCall = time.GetUtcNow();
        await LoadAsync(database, cancellationToken);
        // The first refresh comes after a random ½ to 1½ periods. Tenant grains activated together (a silo's
        // start, a traffic burst) would otherwise refresh in the same instant every period, and each such burst
        // grows the application role's connection pool to its size; Npgsql hands idle connections out in turn,
        // so every later tenant query is spread over more, colder backends (measured: +30% p99 at one caller).
        var period = options.Value.RefreshPeriod;
        _firstRefreshDue = period * (0.5 + Random.Shared.NextDouble());
        this.RegisterGrainTimer(RefreshOnTimerAsync, new GrainTimerCreationOptions(_firstRefreshDue, period) { KeepAlive = false });
        ArmIdleCollection();
    }

    Task<TenantStatus> ITenantGrain.GetStatusAsync()
    {
        _lastCall = time.GetUtcNow();
        metrics.StatusCheck();
        return Task.FromResult(_status);
    }

    Task<TenantSnapshot> ITenantGrain.GetSnapshotAsync()
    {
        _lastCall = time.GetUtcNow();
        return Task.FromResult(Snapshot());
    }

    async Task<TenantSnapshot> ITenantAdminGrain.CreateAsync(string name, decimal? dailyCostThresholdUsd)
    {
        _lastCall = time.GetUtcNow();
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            throw new ArgumentException("A tenant name must be 1–200 characters and not blank.", nameof(name));
        }

        if (dailyCostThresholdUsd is { } threshold)
        {
            Money.Check(threshold, nameof(dailyCostThresholdUsd));
        }

        await database.RunAsync(_tenant, async session =>
        {
            await using var insert = session.Command(InsertSql).Bind(name.Trim()).Bind(dailyCostThresholdUsd);
            await insert.ExecuteNonQueryAsync(session.CancellationToken);
        });
        await LoadAsync(database, CancellationToken.None);
        ArmIdleCollection();
        return Snapshot();
    }

    Task ITenantAdminGrain.ActivateAsync() => SetStatusAsync(TenantStatus.Active);

    Task ITenantAdminGrain.DeactivateAsync() => SetStatusAsync(TenantStatus.Inactive);

    async Task<TenantSnapshot> ITenantAdminGrain.RefreshAsync()
    {
        _lastCall = time.GetUtcNow();
        await LoadAsync(database, CancellationToken.None);
        ArmIdleCollection();
        return Snapshot();
    }

    private async Task SetStatusAsync(TenantStatus status)
    {
        _lastCall = time.GetUtcNow();
        var updated = await database.RunAsync(_tenant, async session =>
        {
            await using var update = session.Command(UpdateStatusSql).Bind(ToColumn(status));
            return await update.ExecuteNonQueryAsync(session.CancellationToken);
        });
        if (updated == 0)
        {
            _status = TenantStatus.NotFound;
            throw new TenantNotFoundException($"Tenant {_tenant} does not exist.");
        }

        _status = status;
        LogStatusChanged(logger, _tenant.Value, status);
    }

    private async Task RefreshOnTimerAsync(CancellationToken cancellationToken)
    {
        _timerRefreshes++;
        // Its own pool: a refresh overlapping callers' queries must not widen theirs (see DataSources.Background).
        await LoadAsync(backgroundDatabase, cancellationToken);
        ArmIdleCollection();
    }

    private async Task LoadAsync(TenantDatabase source, CancellationToken cancellationToken)
    {
        (_status, _name) = await source.ReadAsync(_tenant, SelectSql, bind: null, async (reader, ct) =>
            await reader.ReadAsync(ct)
                ? (FromColumn(reader.GetString(1)), reader.GetString(0))
                : (TenantStatus.NotFound, (string?)null), cancellationToken);
        _loads++;
        _loadedAt = time.GetUtcNow();
        metrics.DatabaseLoad();
    }

    /// <summary>An unknown tenant's grain deactivates itself once idle for the configured time.</summary>
    private void ArmIdleCollection()
    {
        if (_status != TenantStatus.NotFound)
        {
            _idleTimer?.Dispose();
            _idleTimer = null;
            return;
        }

        if (_idleTimer is not null)
        {
            return;
        }

        var idle = options.Value.UnknownTenantIdleTimeout;
        var tick = TimeSpan.FromTicks(Math.Max(idle.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks));
        _idleTimer = this.RegisterGrainTimer(() =>
        {
            if (_status == TenantStatus.NotFound && time.GetUtcNow() - _lastCall >= idle)
            {
                DeactivateOnIdle();
            }

            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(tick, tick) { KeepAlive = false });
    }

    private TenantSnapshot Snapshot() => new(_status, _name, _loads, _timerRefreshes, _loadedAt, _firstRefreshDue);

    private static string ToColumn(TenantStatus status) => status switch
    {
        TenantStatus.Active => "active",
        TenantStatus.Inactive => "inactive",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Only active and inactive are stored."),
    };

    private static TenantStatus FromColumn(string status) => status switch
    {
        "active" => TenantStatus.Active,
        "inactive" => TenantStatus.Inactive,
        _ => throw new InvalidOperationException($"Unexpected tenant status '{status}' in the tenants table."),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId} is now {Status}")]
    private static partial void LogStatusChanged(ILogger logger, Guid tenantId, TenantStatus status);
}
