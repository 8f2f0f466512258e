using System.Diagnostics;
using PulsePoint.Client.Resilience;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Client;

/// <summary>
/// Sends structured events to the cluster: validates them here first (so a bad event fails fast, naming
/// the field), routes each tenant's events to its event sink shard, retries through transient cluster
/// errors (appends are idempotent by event id), and returns once they are committed to PostgreSQL.
/// Registered by <see cref="PulsePointClientExtensions.AddPulsePointClient"/>.
/// </summary>
/// <remarks>
/// The typed methods (<see cref="TrackAiGenerationAsync"/>, <see cref="TrackErrorAsync"/>, ...) fill in what
/// the caller leaves out: the tenant from the ambient <see cref="TenantScope"/>, the request id from the W3C
/// trace id of <see cref="Activity.Current"/>, a new event id and the current time. Each has a twin without
/// <c>Track</c> (<see cref="AiGeneration"/>, <see cref="Error"/>, ...) that only builds the event, for
/// <see cref="TrackBatchAsync(IReadOnlyList{StructuredEvent}, CancellationToken)"/>.
/// </remarks>
/// <example>
/// <code>
/// using (TenantScope.Begin(tenant))   // UsePulsePointTenancy() does this for HTTP requests
/// {
///     var stored = await tracker.TrackAiGenerationAsync("claude-3-sonnet", tokensInput: 1200, tokensOutput: 300,
///         duration: TimeSpan.FromMilliseconds(812), new AiGenerationDetails { AccuracyScore = 0.92, BrandId = brand });
///     Console.WriteLine(stored.EventId);   // committed to PostgreSQL
/// }
/// </code>
/// </example>
public sealed class EventTracker
{
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    // The cluster's shard count, asked once (IEventShardsGrain) and again after a sink says it changed.
    private Task<int>? _shards;

    /// <summary>Creates a tracker; the sink shard of each tenant is found with the cluster's own shard count.</summary>
    /// <param name="grains">The cluster client.</param>
    /// <param name="time">The clock for event timestamps (default: the system clock).</param>
    public EventTracker(IGrainFactory grains, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        _grains = grains;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc cref="TrackAsync(StructuredEvent, CancellationToken)"/>
    public Task<EventAppendOutcome> TrackAsync(StructuredEvent structuredEvent) => TrackAsync(structuredEvent, CancellationToken.None);

    /// <summary>
    /// Stores one event; completes when it is committed. Transient cluster errors (silo restart, gateway change)
    /// are retried with bounded backoff (same event id, so at most one row); retrying the call yourself with the
    /// same event id is safe too.
    /// </summary>
    /// <exception cref="InvalidEventException">The event is invalid (the message names the field); nothing was sent.</exception>
    /// <exception cref="TenantMismatchException">The cluster refused the event's tenant.</exception>
    /// <exception cref="EventSinkOverloadedException">The shard's buffer is full; back off, then retry.</exception>
    /// <exception cref="EventSinkUnavailableException">PostgreSQL did not commit in time; not acknowledged, retry later.</exception>
    /// <exception cref="PulsePointUnavailableException">The cluster stayed unavailable through every retry; not acknowledged.</exception>
    public async Task<EventAppendOutcome> TrackAsync(StructuredEvent structuredEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(structuredEvent);
        StructuredEventValidator.Validate(structuredEvent, _time.GetUtcNow());
        using (TenantScope.Begin(structuredEvent.TenantId))
        {
            return await TransientClusterErrors.RetryAppendAsync(
                $"Storing event {structuredEvent.EventId}",
                async _ => await AppendAsync(structuredEvent.TenantId, sink => sink.AppendAsync(structuredEvent)), cancellationToken);
        }
    }

    /// <summary>
    /// Stores a batch of <paramref name="tenant"/>'s events in one call; one result per event, in order.
    /// Invalid events are rejected alone (the result names the field); the rest are stored.
    /// </summary>
    /// <exception cref="TenantMismatchException">An event belongs to another tenant.</exception>
    /// <exception cref="EventSinkOverloadedException">The shard's buffer is full; nothing of this call was accepted.</exception>
    /// <exception cref="EventSinkUnavailableException">PostgreSQL did not commit in time; not acknowledged, retry later.</exception>
    /// <exception cref="PulsePointUnavailableException">The cluster stayed unavailable through every retry; not acknowledged.</exception>
    public async Task<IReadOnlyList<EventAppendResult>> TrackBatchAsync(TenantId tenant, IReadOnlyList<StructuredEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Any(e => e is null || e.TenantId != tenant))
        {
            throw new TenantMismatchException($"Every event of a batch must belong to tenant {tenant}.");
        }

        if (events.Count == 0)
        {
            return [];
        }

        using (TenantScope.Begin(tenant))
        {
            return await TransientClusterErrors.RetryAppendAsync(
                $"Storing a batch of {events.Count} events", async _ => await AppendAsync(tenant, sink => sink.AppendBatchAsync(events)), cancellationToken);
        }
    }

    /// <summary>
    /// Stores many events, of one tenant or several, with one call per tenant (in parallel); returns one
    /// result per event, in the order given. Invalid events are rejected alone (the result names the field).
    /// </summary>
    /// <exception cref="ArgumentException">An element of <paramref name="events"/> is null.</exception>
    /// <exception cref="PulsePointUnavailableException">The cluster stayed unavailable through every retry for some tenant's events.</exception>
    public async Task<IReadOnlyList<EventAppendResult>> TrackBatchAsync(IReadOnlyList<StructuredEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var nullIndex = events.ToList().FindIndex(e => e is null);
        if (nullIndex >= 0)
        {
            throw new ArgumentException($"Event {nullIndex} of the batch is null.", nameof(events));
        }

        var results = new EventAppendResult[events.Count];
        var groups = events.Select((e, i) => (Event: e, Index: i)).GroupBy(x => x.Event.TenantId);
        await Task.WhenAll(groups.Select(async group =>
        {
            var items = group.ToArray();
            var stored = await TrackBatchAsync(group.Key, items.Select(x => x.Event).ToArray(), cancellationToken);
            for (var i = 0; i < items.Length; i++)
            {
                results[items[i].Index] = stored[i];
            }
        }));
        return results;
    }

    /// <summary>Stores an AI generation event (category <c>ai.operations</c>); returns it once committed.</summary>
    /// <param name="model">The AI model, e.g. <c>claude-3-sonnet</c> (billing prices tokens by it).</param>
    /// <param name="tokensInput">Input (prompt) tokens, excluding cache reads and writes.</param>
    /// <param name="tokensOutput">Output (completion) tokens.</param>
    /// <param name="duration">How long the generation took.</param>
    /// <param name="details">Everything else about the call (cache tokens, a known cost, the tenant, the budget reservation, ...); all optional.</param>
    /// <param name="cancellationToken">Stops waiting (and retrying); the event may still be stored.</param>
    /// <returns>The stored event, with its id.</returns>
    /// <exception cref="ArgumentException">A required argument is missing, e.g. an empty <paramref name="model"/>.</exception>
    /// <exception cref="InvalidEventException">A value is out of range; the message names the field.</exception>
    /// <exception cref="TenantRequiredException">No tenant was given and there is no ambient scope.</exception>
    /// <exception cref="PulsePointUnavailableException">The cluster stayed unavailable through every retry.</exception>
    public Task<StructuredEvent> TrackAiGenerationAsync(
        string model, long tokensInput, long tokensOutput, TimeSpan duration, AiGenerationDetails? details = null,
        CancellationToken cancellationToken = default) =>
        StoreAsync(AiGeneration(model, tokensInput, tokensOutput, duration, details), cancellationToken);

    /// <summary>Builds (and validates) the event <see cref="TrackAiGenerationAsync"/> stores, without sending it.</summary>
    /// <inheritdoc cref="TrackAiGenerationAsync" path="/param"/>
    /// <inheritdoc cref="TrackAiGenerationAsync" path="/exception"/>
    public StructuredEvent AiGeneration(string model, long tokensInput, long tokensOutput, TimeSpan duration, AiGenerationDetails? details = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var d = details ?? AiGenerationDetails.None;
        return Checked(Build(d.Tenant, d.RequestId, d.UserId, d.BrandId, EventCategory.AiOperations, d.EventType, nameof(TrackAiGenerationAsync)) with
        {
            AiModel = model,
            TokensInput = tokensInput,
            TokensOutput = tokensOutput,
            TokensCacheRead = d.TokensCacheRead,
            TokensCacheWrite = d.TokensCacheWrite,
            TokensReasoning = d.TokensReasoning,
            DurationMs = Milliseconds(duration, nameof(duration)),
            CostUsd = d.CostUsd,
            AccuracyScore = d.AccuracyScore,
            WasCached = d.WasCached,
            FallbackUsed = d.FallbackUsed,
            Status = d.FallbackUsed is null ? EventStatus.Success : EventStatus.Partial,
            BudgetReservationId = d.BudgetReservationId,
            Attributes = d.Feature is null ? null : EventAttributes.Of((SpendAttributes.Feature, d.Feature)),
        });
    }

    /// <summary>
    /// Stores an error event (category <c>system</c>, status failure); returns it once committed. A
    /// <see cref="EventSeverity.Critical"/> error is flushed by the sink at once and reaches subscribers
    /// (<see cref="EventSubscriptions.SubscribeToAlertsAsync"/>) without waiting for a batch.
    /// </summary>
    /// <param name="errorCode">The error's category, e.g. <c>payment_provider_down</c> (at most 100 characters).</param>
    /// <param name="errorMessage">What went wrong (at most 4000 characters; do not put secrets here).</param>
    /// <param name="severity"><see cref="EventSeverity.Warning"/>, <see cref="EventSeverity.Error"/> (default) or <see cref="EventSeverity.Critical"/>.</param>
    /// <param name="eventType">The event type (<c>system.</c> prefix); default <see cref="EventTypes.SystemError"/>.</param>
    /// <param name="tenant">The tenant; default the ambient <see cref="TenantScope"/>.</param>
    /// <param name="brandId">The brand concerned, if any.</param>
    /// <param name="userId">The user concerned, if any.</param>
    /// <param name="requestId">Trace id; default the W3C trace id of <see cref="Activity.Current"/>.</param>
    /// <param name="cancellationToken">Stops waiting (and retrying); the event may still be stored.</param>
    /// <returns>The stored event, with its id.</returns>
    /// <exception cref="ArgumentException"><paramref name="errorCode"/> is empty, or <paramref name="severity"/> is below Warning.</exception>
    /// <exception cref="InvalidEventException">A value is out of range; the message names the field.</exception>
    /// <exception cref="TenantRequiredException">No tenant was given and there is no ambient scope.</exception>
    /// <exception cref="PulsePointUnavailableException">The cluster stayed unavailable through every retry.</exception>
    public Task<StructuredEvent> TrackErrorAsync(
        string errorCode, string errorMessage, EventSeverity severity = EventSeverity.Error, string eventType = EventTypes.SystemError,
        TenantId? tenant = null, Guid? brandId = null, string? userId = null, string? requestId = null,
        CancellationToken cancellationToken = default) =>
        StoreAsync(Error(errorCode, errorMessage, severity, eventType, tenant, brandId, userId, requestId), cancellationToken);

    /// <summary>Builds (and validates) the event <see cref="TrackErrorAsync"/> stores, without sending it.</summary>
    /// <inheritdoc cref="TrackErrorAsync" path="/param"/>
    /// <inheritdoc cref="TrackErrorAsync" path="/exception"/>
    public StructuredEvent Error(
        string errorCode, string errorMessage, EventSeverity severity = EventSeverity.Error, string eventType = EventTypes.SystemError,
        TenantId? tenant = null, Guid? brandId = null, string? userId = null, string? requestId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(errorCode);
        ArgumentNullException.ThrowIfNull(errorMessage);
        if (severity is not (EventSeverity.Warning or EventSeverity.Error or EventSeverity.Critical))
        {
            throw new ArgumentOutOfRangeException(nameof(severity), severity, "An error event's severity must be Warning, Error or Critical.");
        }

        return Checked(Build(tenant, requestId, userId, brandId, EventCategory.System, eventType, nameof(TrackErrorAsync)) with
        {
            Severity = severity,
            Status = EventStatus.Failure,
            ErrorCode = errorCode,
            ErrorMessage = errorMessage,
        });
    }

    /// <summary>
    /// Stores an API request event (category <c>api.lifecycle</c>); returns it once committed.
    /// <c>UsePulsePointObservability()</c> records one for every request; call this for requests it does not see.
    /// </summary>
    /// <param name="method">The HTTP method, e.g. <c>GET</c>.</param>
    /// <param name="routeTemplate">The route template (e.g. <c>/brands/{brandId}/answer</c>), never the raw path; null when no route matched.</param>
    /// <param name="statusCode">The HTTP status code (100–599): below 400 success/INFO; 4xx failure/WARNING; 5xx failure/ERROR; from 400 on it is stored as error code <c>http_NNN</c>.</param>
    /// <param name="duration">Wall-clock time of the request.</param>
    /// <param name="cpuTime">CPU time spent on the request, when measured.</param>
    /// <param name="tenant">The tenant; default the ambient <see cref="TenantScope"/>.</param>
    /// <param name="userId">The signed-in user, if any.</param>
    /// <param name="requestId">Trace id; default the W3C trace id of <see cref="Activity.Current"/>.</param>
    /// <param name="cancellationToken">Stops waiting (and retrying); the event may still be stored.</param>
    /// <returns>The stored event, with its id; its event type is <see cref="ApiRouteEventTypes.Of"/>(method, template).</returns>
    /// <exception cref="ArgumentException"><paramref name="method"/> is empty or <paramref name="statusCode"/> is not an HTTP status.</exception>
    /// <exception cref="InvalidEventException">A value is out of range; the message names the field.</exception>
    /// <exception cref="TenantRequiredException">No tenant was given and there is no ambient scope.</exception>
    /// <exception cref="PulsePointUnavailableException">The cluster stayed unavailable through every retry.</exception>
    public Task<StructuredEvent> TrackApiRequestAsync(
        string method, string? routeTemplate, int statusCode, TimeSpan duration, TimeSpan? cpuTime = null,
        TenantId? tenant = null, string? userId = null, string? requestId = null, CancellationToken cancellationToken = default) =>
        StoreAsync(ApiRequest(method, routeTemplate, statusCode, duration, cpuTime, tenant, userId, requestId), cancellationToken);

    /// <summary>Builds (and validates) the event <see cref="TrackApiRequestAsync"/> stores, without sending it.</summary>
    /// <inheritdoc cref="TrackApiRequestAsync" path="/param"/>
    /// <inheritdoc cref="TrackApiRequestAsync" path="/exception"/>
    public StructuredEvent ApiRequest(
        string method, string? routeTemplate, int statusCode, TimeSpan duration, TimeSpan? cpuTime = null,
        TenantId? tenant = null, string? userId = null, string? requestId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        if (statusCode is < 100 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "An HTTP status code is between 100 and 599.");
        }

        return Checked(Build(tenant, requestId, userId, null, EventCategory.ApiLifecycle, ApiRouteEventTypes.Of(method, routeTemplate), nameof(TrackApiRequestAsync)) with
        {
            Severity = statusCode >= 500 ? EventSeverity.Error : statusCode >= 400 ? EventSeverity.Warning : EventSeverity.Info,
            Status = statusCode >= 400 ? EventStatus.Failure : EventStatus.Success,
            ErrorCode = statusCode >= 400 ? $"http_{statusCode}" : null,
            DurationMs = Milliseconds(duration, nameof(duration)),
            CpuTimeMs = cpuTime is { } cpu ? Milliseconds(cpu, nameof(cpuTime)) : null,
        });
    }

    /// <summary>Stores a user interaction event (category <c>user.interaction</c>); returns it once committed.</summary>
    /// <param name="eventType">What the user did, with the <c>user.</c> prefix, e.g. <c>user.brand_viewed</c> (default <see cref="EventTypes.UserAction"/>).</param>
    /// <param name="userId">Who did it.</param>
    /// <param name="duration">How long it took, if measured.</param>
    /// <param name="status">Its outcome (default success).</param>
    /// <param name="tenant">The tenant; default the ambient <see cref="TenantScope"/>.</param>
    /// <param name="brandId">The brand concerned, if any.</param>
    /// <param name="requestId">Trace id; default the W3C trace id of <see cref="Activity.Current"/>.</param>
    /// <param name="cancellationToken">Stops waiting (and retrying); the event may still be stored.</param>
    /// <returns>The stored event, with its id.</returns>
    /// <exception cref="InvalidEventException">A value is out of range; the message names the field.</exception>
    /// <exception cref="TenantRequiredException">No tenant was given and there is no ambient scope.</exception>
    /// <exception cref="PulsePointUnavailableException">The cluster stayed unavailable through every retry.</exception>
    public Task<StructuredEvent> TrackUserInteractionAsync(
        string eventType = EventTypes.UserAction, string? userId = null, TimeSpan? duration = null, EventStatus status = EventStatus.Success,
        TenantId? tenant = null, Guid? brandId = null, string? requestId = null, CancellationToken cancellationToken = default) =>
        StoreAsync(UserInteraction(eventType, userId, duration, status, tenant, brandId, requestId), cancellationToken);

    /// <summary>Builds (and validates) the event <see cref="TrackUserInteractionAsync"/> stores, without sending it.</summary>
    /// <inheritdoc cref="TrackUserInteractionAsync" path="/param"/>
    /// <inheritdoc cref="TrackUserInteractionAsync" path="/exception"/>
    public StructuredEvent UserInteraction(
        string eventType = EventTypes.UserAction, string? userId = null, TimeSpan? duration = null, EventStatus status = EventStatus.Success,
        TenantId? tenant = null, Guid? brandId = null, string? requestId = null) =>
        Checked(Build(tenant, requestId, userId, brandId, EventCategory.UserInteraction, eventType, nameof(TrackUserInteractionAsync)) with
        {
            Status = status,
            DurationMs = duration is { } d ? Milliseconds(d, nameof(duration)) : null,
        });

    /// <summary>Stores a data synchronisation event (category <c>data.sync</c>); returns it once committed.</summary>
    /// <param name="eventType">The job, with the <c>sync.</c> or <c>data.</c> prefix (default <see cref="EventTypes.SyncCompleted"/>).</param>
    /// <param name="duration">How long the job ran.</param>
    /// <param name="status">Its outcome: success, partial or failure.</param>
    /// <param name="errorCode">For a failed or partial run, the error's category.</param>
    /// <param name="errorMessage">For a failed or partial run, what went wrong.</param>
    /// <param name="tenant">The tenant; default the ambient <see cref="TenantScope"/>.</param>
    /// <param name="brandId">The brand synchronised, if any.</param>
    /// <param name="requestId">Trace id; default the W3C trace id of <see cref="Activity.Current"/>.</param>
    /// <param name="cancellationToken">Stops waiting (and retrying); the event may still be stored.</param>
    /// <returns>The stored event, with its id. A failed run is stored with severity ERROR, a partial one WARNING.</returns>
    /// <exception cref="InvalidEventException">A value is out of range; the message names the field.</exception>
    /// <exception cref="TenantRequiredException">No tenant was given and there is no ambient scope.</exception>
    /// <exception cref="PulsePointUnavailableException">The cluster stayed unavailable through every retry.</exception>
    public Task<StructuredEvent> TrackDataSyncAsync(
        string eventType, TimeSpan duration, EventStatus status = EventStatus.Success, string? errorCode = null, string? errorMessage = null,
        TenantId? tenant = null, Guid? brandId = null, string? requestId = null, CancellationToken cancellationToken = default) =>
        StoreAsync(DataSync(eventType, duration, status, errorCode, errorMessage, tenant, brandId, requestId), cancellationToken);

    /// <summary>Builds (and validates) the event <see cref="TrackDataSyncAsync"/> stores, without sending it.</summary>
    /// <inheritdoc cref="TrackDataSyncAsync" path="/param"/>
    /// <inheritdoc cref="TrackDataSyncAsync" path="/exception"/>
    public StructuredEvent DataSync(
        string eventType, TimeSpan duration, EventStatus status = EventStatus.Success, string? errorCode = null, string? errorMessage = null,
        TenantId? tenant = null, Guid? brandId = null, string? requestId = null) =>
        Checked(Build(tenant, requestId, null, brandId, EventCategory.DataSync, eventType, nameof(TrackDataSyncAsync)) with
        {
            Status = status,
            Severity = status switch { EventStatus.Failure => EventSeverity.Error, EventStatus.Partial => EventSeverity.Warning, _ => EventSeverity.Info },
            DurationMs = Milliseconds(duration, nameof(duration)),
            ErrorCode = errorCode,
            ErrorMessage = errorMessage,
        });

    /// <summary>Stores a security event (category <c>security</c>), e.g. a failed login; returns it once committed.</summary>
    /// <param name="eventType">What happened, with the <c>security.</c> or <c>auth.</c> prefix, e.g. <c>auth.login_failed</c>.</param>
    /// <param name="severity">How urgent it is (a burst of failed logins: WARNING; a breach: CRITICAL).</param>
    /// <param name="status">The outcome of the attempt (a refused login is a failure).</param>
    /// <param name="userId">The user concerned, if known.</param>
    /// <param name="errorCode">The reason, e.g. <c>bad_password</c>.</param>
    /// <param name="errorMessage">Details (never the credential itself).</param>
    /// <param name="tenant">The tenant; default the ambient <see cref="TenantScope"/>.</param>
    /// <param name="requestId">Trace id; default the W3C trace id of <see cref="Activity.Current"/>.</param>
    /// <param name="cancellationToken">Stops waiting (and retrying); the event may still be stored.</param>
    /// <returns>The stored event, with its id.</returns>
    /// <exception cref="InvalidEventException">A value is out of range; the message names the field.</exception>
    /// <exception cref="TenantRequiredException">No tenant was given and there is no ambient scope.</exception>
    /// <exception cref="PulsePointUnavailableException">The cluster stayed unavailable through every retry.</exception>
    public Task<StructuredEvent> TrackSecurityEventAsync(
        string eventType, EventSeverity severity, EventStatus status, string? userId = null, string? errorCode = null, string? errorMessage = null,
        TenantId? tenant = null, string? requestId = null, CancellationToken cancellationToken = default) =>
        StoreAsync(SecurityEvent(eventType, severity, status, userId, errorCode, errorMessage, tenant, requestId), cancellationToken);

    /// <summary>Builds (and validates) the event <see cref="TrackSecurityEventAsync"/> stores, without sending it.</summary>
    /// <inheritdoc cref="TrackSecurityEventAsync" path="/param"/>
    /// <inheritdoc cref="TrackSecurityEventAsync" path="/exception"/>
    public StructuredEvent SecurityEvent(
        string eventType, EventSeverity severity, EventStatus status, string? userId = null, string? errorCode = null, string? errorMessage = null,
        TenantId? tenant = null, string? requestId = null) =>
        Checked(Build(tenant, requestId, userId, null, EventCategory.Security, eventType, nameof(TrackSecurityEventAsync)) with
        {
            Severity = severity,
            Status = status,
            ErrorCode = errorCode,
            ErrorMessage = errorMessage,
        });

    /// <summary>The W3C trace id of <see cref="Activity.Current"/> (32 hex digits), or null without a W3C activity.</summary>
    public static string? CurrentTraceId() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.TraceId.ToHexString() : null;

    private async Task<StructuredEvent> StoreAsync(StructuredEvent structuredEvent, CancellationToken cancellationToken)
    {
        await TrackAsync(structuredEvent, cancellationToken);
        return structuredEvent;
    }

    /// <summary>The common part of every typed event; the caller adds its own fields, then it is validated on send.</summary>
    private StructuredEvent Build(TenantId? tenant, string? requestId, string? userId, Guid? brandId, EventCategory category, string eventType, string operation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventType);
        return new StructuredEvent
        {
            EventId = EventIds.New(),
            TenantId = tenant ?? TenantScope.Current ?? throw new TenantRequiredException(operation),
            RequestId = requestId ?? CurrentTraceId(),
            UserId = userId,
            BrandId = brandId,
            Category = category,
            EventType = eventType,
            Timestamp = _time.GetUtcNow(),
        };
    }

    private StructuredEvent Checked(StructuredEvent structuredEvent)
    {
        StructuredEventValidator.Validate(structuredEvent, _time.GetUtcNow());
        return structuredEvent;
    }

    private static double Milliseconds(TimeSpan value, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, name);
        return value.TotalMilliseconds;
    }

    /// <summary>
    /// Calls <paramref name="append"/> on <paramref name="tenant"/>'s sink shard. A sink that does not own the
    /// tenant accepted nothing: the cluster's shard count changed, so it is asked again and the call redone once.
    /// </summary>
    private async Task<T> AppendAsync<T>(TenantId tenant, Func<IEventSinkGrain, Task<T>> append)
    {
        try
        {
            return await append(await SinkAsync(tenant));
        }
        catch (WrongEventShardException)
        {
            _shards = null;
            return await append(await SinkAsync(tenant));
        }
    }

    private async Task<IEventSinkGrain> SinkAsync(TenantId tenant)
    {
        var ask = _shards ??= _grains.GetGrain<IEventShardsGrain>(0).GetShardCountAsync();
        try
        {
            return _grains.GetGrain<IEventSinkGrain>(EventShards.Of(tenant, await ask));
        }
        catch
        {
            // A failed answer is not kept: the next call asks again.
            _ = Interlocked.CompareExchange(ref _shards, null, ask);
            throw;
        }
    }
}
