using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.ApiKeys;

/// <summary>
/// Holds one API key in memory (key: its public id with its prefix). PostgreSQL is read on activation and by the
/// refresh timer; a revocation goes to PostgreSQL and memory together, so this single activation is the truth for the
/// whole cluster. The last-used time is kept in memory and written by a timer, at most once per
/// <see cref="ApiKeyOptions.LastUsedWritePeriod"/>, and on deactivation. Nothing here logs a secret or a tenant id.
/// </summary>
internal sealed partial class ApiKeyGrain(
    ApiKeyStore store,
    DataSources sources,
    ApiKeyMetrics metrics,
    IOptions<ApiKeyOptions> options,
    TimeProvider time,
    ILogger<ApiKeyGrain> logger) : Grain, IApiKeyGrain
{
    private ApiKeyId? _id;
    private ApiKeyRecord? _key;
    private DateTimeOffset? _lastUsed;
    private DateTimeOffset _lastCall;
    private IGrainTimer? _idleTimer;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lastCall = time.GetUtcNow();
        // The grain key is untrusted text: anything that is not a key id is an unknown key, never sent to SQL.
        _id = ApiKeyId.TryParse(this.GetPrimaryKeyString(), (ApiKeyKind)0, out var id) ? id : null;
        await LoadAsync(sources.Application, cancellationToken);
        var period = options.Value.RefreshPeriod;
        // A random first refresh, as the tenant grains do, so keys activated together do not re-read together.
        this.RegisterGrainTimer(RefreshOnTimerAsync, new GrainTimerCreationOptions(period * (0.5 + Random.Shared.NextDouble()), period) { KeepAlive = false });
        var write = options.Value.LastUsedWritePeriod;
        this.RegisterGrainTimer(WriteLastUsedAsync, new GrainTimerCreationOptions(write, write) { KeepAlive = false });
        ArmIdleCollection();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await WriteLastUsedAsync(cancellationToken);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // A last-used time is a convenience: losing one write must not hold the deactivation.
            LogLastUsedNotWritten(logger, e.GetType().Name);
        }
    }

    Task<ApiKeyGrant?> IApiKeyGrain.VerifyAsync(string secret)
    {
        var now = time.GetUtcNow();
        _lastCall = now;
        if (_key is null || secret is null || secret.Length != ApiKeySecret.SecretLength
            || !ApiKeySecret.Matches(secret, _key.SecretHash) || !_key.Info.IsUsableAt(now))
        {
            metrics.Check(accepted: false);
            return Task.FromResult<ApiKeyGrant?>(null);
        }

        metrics.Check(accepted: true);
        _lastUsed = now;
        return Task.FromResult<ApiKeyGrant?>(new ApiKeyGrant(_key.Info.Key, _key.Info.Tenant, _key.Info.Scopes));
    }

    async Task<bool> IApiKeyGrain.RevokeAsync()
    {
        _lastCall = time.GetUtcNow();
        if (_key is null || (_key.Info.Tenant is { } tenant && CallerTenant.Current != tenant))
        {
            return false;
        }

        if (!await store.RevokeAsync(_key.Info.Key, _key.Info.Tenant))
        {
            _key = null;
            return false;
        }

        await LoadAsync(sources.Application, CancellationToken.None);
        LogRevoked(logger, _key?.Info.Key.ToString() ?? "");
        return true;
    }

    async Task IApiKeyGrain.RefreshAsync()
    {
        _lastCall = time.GetUtcNow();
        await LoadAsync(sources.Application, CancellationToken.None);
        ArmIdleCollection();
    }

    private async Task RefreshOnTimerAsync(CancellationToken cancellationToken)
    {
        // Its own pool, like the tenant grains' refreshes: timed reads must not widen the callers' pool.
        await LoadAsync(sources.Background, cancellationToken);
        ArmIdleCollection();
    }

    private async Task LoadAsync(Npgsql.NpgsqlDataSource source, CancellationToken cancellationToken)
    {
        if (_id is { } id)
        {
            _key = await store.FindAsync(id, source, cancellationToken);
            metrics.DatabaseLoad();
        }
    }

    private async Task WriteLastUsedAsync(CancellationToken cancellationToken)
    {
        if (_key is { } key && _lastUsed is { } used && (key.Info.LastUsedAt is null || key.Info.LastUsedAt < used))
        {
            await store.TouchAsync(key.Info, used, cancellationToken);
            _key = key with { Info = key.Info with { LastUsedAt = used } };
        }
    }

    /// <summary>An unknown key's grain deactivates itself once idle for the configured time.</summary>
    private void ArmIdleCollection()
    {
        if (_key is not null)
        {
            _idleTimer?.Dispose();
            _idleTimer = null;
            return;
        }

        if (_idleTimer is not null)
        {
            return;
        }

        var idle = options.Value.UnknownKeyIdleTimeout;
        var tick = TimeSpan.FromTicks(Math.Max(idle.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks));
        _idleTimer = this.RegisterGrainTimer(() =>
        {
            if (_key is null && time.GetUtcNow() - _lastCall >= idle)
            {
                DeactivateOnIdle();
            }

            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(tick, tick) { KeepAlive = false });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API key {KeyId} revoked")]
    private static partial void LogRevoked(ILogger logger, string keyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An API key's last-used time was not written at deactivation ({Reason})")]
    private static partial void LogLastUsedNotWritten(ILogger logger, string reason);
}
