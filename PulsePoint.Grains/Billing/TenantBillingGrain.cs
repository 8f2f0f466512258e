using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using PulsePoint.Alerts;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>
/// One tenant's money: today's cost counters (rebuilt from <c>ai_token_usage</c> on activation, then fed
/// once per committed event batch by the sink, which does not wait for it), alerts (persisted in grain storage,
/// then recorded in the alert outbox for the tenant's channels by <see cref="AlertOutbox"/>, and the threshold
/// alerts written to the event store by <see cref="IBillingEventPublisher"/>), and the opt-in hard budget
/// (reservations in grain storage). Threshold and budget are read from the tenant's row on activation and
/// on a timer, so an out-of-band edit takes effect within a refresh period. The grain is not reentrant, so
/// each of these reads and updates its state without interleaving: concurrent reservations are decided one
/// at a time and cannot overspend.
/// </summary>
internal sealed partial class TenantBillingGrain(
    TenantDatabase database,
    [FromKeyedServices(TenantDatabase.Background)] TenantDatabase backgroundDatabase,
    IOptions<TenancyOptions> tenancyOptions,
    IOptions<BillingOptions> billingOptions,
    BillingClock billingClock,
    UsageLedger usageLedger,
    IBillingEventPublisher billingEvents,
    AlertOutbox alertOutbox,
    ILogger<TenantBillingGrain> logger,
    [PersistentState("costAlerts", "Default")] IPersistentState<CostAlertState> alertState,
    [PersistentState("budget", "Default")] IPersistentState<BudgetState> budgetState) : Grain, ITenantBillingGrain, ITenantBillingAdminGrain, ITenantUsageFeed
{
    private const string UpdateThresholdSql = "update tenants set daily_cost_threshold_usd = $2, updated_at = now() where id = $1";
    private const string UpdateBudgetSql = "update tenants set daily_budget_usd = $2, updated_at = now() where id = $1";

    // Usage per UTC day (today and yesterday) and model.
    private readonly Dictionary<DateOnly, Dictionary<string, UsageLine>> _usage = [];
    // The part of that usage's cost whose events named a budget reservation, per UTC day and reservation.
    private readonly Dictionary<DateOnly, Dictionary<Guid, decimal>> _reserved = [];
    private TenantId _tenant;
    private PgSnapshot? _countersSnapshot;
    private decimal? _dailyCostThresholdUsd;
    private decimal? _dailyBudgetUsd;
    private SpendBook _spend = new([], TenantCalendar.Utc);
    private string _timeZone = "UTC";
    private DateTimeOffset _countersLoadedAt;
    private IGrainTimer? _alertSender;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _tenant = new TenantId(this.GetPrimaryKey());
        await LoadSettingsAsync(database, cancellationToken);
        await LoadCostCountersAsync(cancellationToken);
        // Spend loaded from the ledger may have crossed a threshold no activation has alerted yet.
        await RaiseAlertsAsync(billingClock.Today);
        // Refreshes start at a random ½ to 1½ periods, so grains activated together do not read together.
        var period = tenancyOptions.Value.RefreshPeriod;
        this.RegisterGrainTimer(RefreshOnTimerAsync, new GrainTimerCreationOptions(period * (0.5 + Random.Shared.NextDouble()), period) { KeepAlive = false });
        ArmAlertSending();
    }

    /// <summary>Reads a recount makes before it leaves the reload to the refresh timer.</summary>
    private const int RecountAttempts = 4;

    private BillingOptions Billing => billingOptions.Value;

    private decimal ThresholdUsd => _dailyCostThresholdUsd ?? Billing.DefaultDailyThresholdUsd;

    async Task ITenantUsageFeed.AddUsageAsync(UsageBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var today = billingClock.Today;
        // A batch that committed before the activation's load is already counted (often the very batch
        // whose hand-off activated this grain); its alerts were raised at activation.
        if (_countersSnapshot is not { } loaded || batch.TransactionId is not { } xid || !loaded.Saw(xid))
        {
            Add(batch, today);
            PruneUsage(today);
            // Unpriced lines of any day count: a late event of an older day still flags its model today.
            await RaiseAlertsAsync(today, arrived: batch.Lines);
        }

        if (batch.Scoped is { Count: > 0 } scoped)
        {
            // The spend limits' ledger read has a snapshot of its own; before it (or without limits) there is nothing to add
            // to. The rate limits' minute counts every batch at its arrival: no read gives it back.
            if (_spend.Snapshot is { } spendSeen && (batch.TransactionId is not { } txid || !spendSeen.Saw(txid)))
            {
                _spend.AddRecorded(scoped);
            }

            _spend.AddArrivals(scoped, billingClock.Now);
        }
    }

    async Task ITenantUsageFeed.RecountAsync()
    {
        // Asked for after a commit whose answer was lost, typically just after PostgreSQL came back: every
        // pooled connection the restart broke fails once, so the read is tried again. Should it still fail,
        // the counters count as never loaded and the next refresh reloads them.
        _countersLoadedAt = DateTimeOffset.MinValue;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await LoadCostCountersAsync(CancellationToken.None);
                break;
            }
            catch (NpgsqlException) when (attempt < RecountAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }

        await RaiseAlertsAsync(billingClock.Today);
    }

    Task<CostCounters> ITenantBillingGrain.GetCostCountersAsync()
    {
        var today = billingClock.Today;
        var lines = _usage.TryGetValue(today, out var models)
            ? models.Values.OrderBy(l => l.Model, StringComparer.Ordinal).ToArray()
            : [];
        var alerts = alertState.State.Day == today ? alertState.State.Raised.ToArray() : [];
        return Task.FromResult(new CostCounters(
            today,
            lines.Sum(l => l.Events),
            lines.Sum(l => l.TotalTokens),
            lines.Sum(l => l.CostUsd),
            lines.Sum(l => l.UnpricedEvents),
            lines,
            ThresholdUsd,
            alerts));
    }

    async Task ITenantBillingAdminGrain.SetDailyCostThresholdAsync(decimal? dailyCostThresholdUsd)
    {
        if (dailyCostThresholdUsd is { } threshold)
        {
            Money.Check(threshold, nameof(dailyCostThresholdUsd));
        }

        await UpdateTenantAsync(UpdateThresholdSql, dailyCostThresholdUsd);
        _dailyCostThresholdUsd = dailyCostThresholdUsd;
        await RaiseAlertsAsync(billingClock.Today, resolveThresholds: true);
    }

    async Task ITenantBillingAdminGrain.SetDailyBudgetAsync(decimal? dailyBudgetUsd)
    {
        if (dailyBudgetUsd is { } budgetUsd)
        {
            Money.Check(budgetUsd, nameof(dailyBudgetUsd));
        }

        await UpdateTenantAsync(UpdateBudgetSql, dailyBudgetUsd);
        _dailyBudgetUsd = dailyBudgetUsd;
        await ResolveBudgetExhaustedAsync();
    }

    Task<BudgetReservation> ITenantBillingGrain.ReserveBudgetAsync(decimal estimatedCostUsd) =>
        ReserveAsync(new SpendRequest(Money.Check(estimatedCostUsd, nameof(estimatedCostUsd))));

    Task<BudgetReservation> ITenantBillingGrain.ReserveAsync(SpendRequest request) => ReserveAsync(request);

    private async Task<BudgetReservation> ReserveAsync(SpendRequest request)
    {
        request = Checked(request);
        var estimatedCostUsd = request.EstimatedCostUsd;
        var spend = await CurrentSpendAsync();
        var applies = spend.Applying(request).Any();
        if (_dailyBudgetUsd is null && !applies)
        {
            // No budget and no limit: nothing to hold or persist; the id only lets the caller's code stay the same.
            return new BudgetReservation(true, Guid.NewGuid(), null, null, null);
        }

        var now = billingClock.Now;
        var state = budgetState.State;
        var rolled = RollBudget(state, now);
        rolled |= !spend.IsEmpty && spend.Fold(state, RecordedFor, now, Billing.ReservationTimeout);
        decimal? remaining = null;
        if (_dailyBudgetUsd is { } budget)
        {
            remaining = budget - CountToday(state).CountedUsd;
            if (estimatedCostUsd > remaining)
            {
                await DenyAsync(rolled, () => RaiseBudgetExhaustedAsync(budget, budget - remaining.Value, estimatedCostUsd));
                return new BudgetReservation(false, null, Math.Max(remaining.Value, 0m), budget, null);
            }
        }

        var check = spend.Check(request, state, RecordedFor, now);
        if (check.Denial is { } denial)
        {
            await DenyAsync(rolled, () => RaiseSpendExhaustedAsync(denial, estimatedCostUsd));
            return new BudgetReservation(false, null, denial.Status.RemainingUsd is { } left ? Math.Max(left, 0m) : null, _dailyBudgetUsd, null, denial.Limit, denial.RetryAfter);
        }

        if (check.LeastRemainingUsd is { } least && (remaining is null || least < remaining))
        {
            remaining = least;
        }

        var id = Guid.NewGuid();
        var expiresAt = now + Billing.ReservationTimeout;
        if (_dailyBudgetUsd is not null)
        {
            state.Held[id] = new BudgetHold(estimatedCostUsd, expiresAt);
        }

        if (applies)
        {
            state.Spend[id] = new SpendHold(now, request.UserId, request.ApiKeyId, request.Feature, estimatedCostUsd, request.EstimatedTokens, expiresAt, null);
        }

        await WriteBudgetAsync(() =>
        {
            state.Held.Remove(id);
            state.Spend.Remove(id);
        });
        return new BudgetReservation(true, id, remaining - estimatedCostUsd, _dailyBudgetUsd, expiresAt);
    }

    Task<BudgetSettlement> ITenantBillingGrain.CommitBudgetAsync(Guid reservationId, decimal actualCostUsd) =>
        CommitAsync(reservationId, Money.Check(actualCostUsd, nameof(actualCostUsd)), null);

    Task<BudgetSettlement> ITenantBillingGrain.CommitSpendAsync(Guid reservationId, decimal actualCostUsd, long actualTokens)
    {
        Money.Check(actualCostUsd, nameof(actualCostUsd));
        ArgumentOutOfRangeException.ThrowIfNegative(actualTokens);
        return CommitAsync(reservationId, actualCostUsd, actualTokens);
    }

    private async Task<BudgetSettlement> CommitAsync(Guid reservationId, decimal actualCostUsd, long? actualTokens)
    {
        if (_dailyBudgetUsd is null && budgetState.State.Held.Count == 0 && budgetState.State.Spend.Count == 0)
        {
            return BudgetSettlement.NotHeld;
        }

        var now = billingClock.Now;
        var state = budgetState.State;
        RollBudget(state, now);
        if (state.Settled.ContainsKey(reservationId))
        {
            return BudgetSettlement.AlreadySettled;
        }

        // Held or not (expired, unknown), the money was spent: it counts against today once, and against the limits of
        // the subjects it was reserved for while they still know the reservation.
        var held = state.Held.Remove(reservationId, out var hold);
        var limited = state.Spend.TryGetValue(reservationId, out var spendHold);
        held |= limited && spendHold!.IsLive(now);
        state.CommittedUsd += actualCostUsd;
        state.Committed[reservationId] = actualCostUsd;
        state.Settled[reservationId] = now;
        if (limited)
        {
            state.Spend[reservationId] = spendHold! with { AmountUsd = actualCostUsd, Tokens = actualTokens ?? spendHold.Tokens, CommittedAt = now };
        }

        await WriteBudgetAsync(() =>
        {
            state.CommittedUsd -= actualCostUsd;
            state.Committed.Remove(reservationId);
            state.Settled.Remove(reservationId);
            if (hold is not null)
            {
                state.Held[reservationId] = hold;
            }

            if (limited)
            {
                state.Spend[reservationId] = spendHold!;
            }
        });
        return held ? BudgetSettlement.Committed : BudgetSettlement.NotHeld;
    }

    async Task<BudgetSettlement> ITenantBillingGrain.ReleaseBudgetAsync(Guid reservationId)
    {
        var now = billingClock.Now;
        var state = budgetState.State;
        RollBudget(state, now);
        if (state.Settled.ContainsKey(reservationId))
        {
            return BudgetSettlement.AlreadySettled;
        }

        var held = state.Held.Remove(reservationId, out var hold);
        var limited = state.Spend.Remove(reservationId, out var spendHold) && spendHold.CommittedAt is null;
        if (!held && !limited)
        {
            return BudgetSettlement.NotHeld;
        }

        state.Settled[reservationId] = now;
        await WriteBudgetAsync(() =>
        {
            state.Settled.Remove(reservationId);
            if (hold is not null)
            {
                state.Held[reservationId] = hold;
            }

            if (spendHold is not null)
            {
                state.Spend[reservationId] = spendHold;
            }
        });
        return BudgetSettlement.Released;
    }

    Task<BudgetStatus> ITenantBillingGrain.GetBudgetAsync()
    {
        // A copy: a read-only call must not change the persisted ledger.
        var state = HardBudget.Rolled(budgetState.State, billingClock.Today, billingClock.Now, Billing.ReservationTimeout);
        var spend = CountToday(state);
        return Task.FromResult(new BudgetStatus(
            state.Day,
            _dailyBudgetUsd,
            state.CommittedUsd,
            RecordedTodayUsd(),
            HardBudget.HeldUsd(state),
            _dailyBudgetUsd - spend.CountedUsd,
            state.Held.Count,
            spend.UnreservedUsd,
            spend.ReservationsUsd,
            spend.CountedUsd));
    }

    async Task<IReadOnlyList<SpendLimitStatus>> ITenantBillingGrain.GetSpendLimitsAsync(string? userId, string? apiKeyId, string? feature)
    {
        var request = Checked(new SpendRequest(0m, 0, userId, apiKeyId, feature));
        var spend = await CurrentSpendAsync();
        var now = billingClock.Now;
        return spend.Applying(request).Select(a => spend.Status(a.Limit, a.Subject, budgetState.State, RecordedFor, now)).ToArray();
    }

    async Task ITenantBillingAdminGrain.SetSpendLimitAsync(SpendLimit limit)
    {
        await new SpendLimitStore(database).SetAsync(_tenant, limit);
        await LoadSettingsAsync(database, CancellationToken.None);
        await ResolveSpendExhaustedAsync(limit, "limit_changed");
    }

    async Task<bool> ITenantBillingAdminGrain.RemoveSpendLimitAsync(SpendScope scope, string subject, SpendPeriod period)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var removed = await new SpendLimitStore(database).RemoveAsync(_tenant, scope, subject, period);
        await LoadSettingsAsync(database, CancellationToken.None);
        if (removed)
        {
            await ResolveSpendExhaustedAsync(new SpendLimit(scope, subject, period, null), "limit_removed");
        }

        return removed;
    }

    async Task<(string TimeZone, IReadOnlyList<SpendLimit> Limits)> ITenantBillingAdminGrain.ListSpendLimitsAsync()
    {
        await LoadSettingsAsync(database, CancellationToken.None);
        return (_timeZone, _spend.Limits);
    }

    async Task ITenantBillingAdminGrain.SetTimeZoneAsync(string timeZone)
    {
        await new SpendLimitStore(database).SetTimeZoneAsync(_tenant, timeZone);
        await LoadSettingsAsync(database, CancellationToken.None);
    }

    private async Task RefreshOnTimerAsync(CancellationToken cancellationToken)
    {
        // Its own pool: a refresh overlapping callers' queries must not widen theirs (see DataSources.Background).
        await LoadSettingsAsync(backgroundDatabase, cancellationToken);
        // A new UTC day resolves yesterday's alerts even when no usage arrives.
        if (alertState.State.Day != billingClock.Today && RollAlertDay(alertState.State, billingClock.Today))
        {
            await alertState.WriteStateAsync();
        }

        if (billingClock.Now - _countersLoadedAt >= Billing.CounterReloadPeriod)
        {
            await LoadCostCountersAsync(cancellationToken);
            await RaiseAlertsAsync(billingClock.Today);
        }

        ArmAlertSending();
    }

    private async Task LoadSettingsAsync(TenantDatabase source, CancellationToken cancellationToken)
    {
        var (threshold, budget, timeZone, limits) = await SpendLimitStore.ReadSettingsAsync(source, _tenant, cancellationToken)
            ?? new BillingSettings(null, null, "UTC", []);
        (_dailyCostThresholdUsd, _dailyBudgetUsd) = (threshold, budget);
        if (timeZone != _timeZone || !limits.SequenceEqual(_spend.Limits))
        {
            var calendar = TenantCalendar.TryFind(timeZone);
            if (calendar is null)
            {
                LogUnknownTimeZone(logger, _tenant.Value, timeZone);
            }

            _timeZone = timeZone;
            _spend = new SpendBook(limits, calendar ?? TenantCalendar.Utc);
        }
    }

    /// <summary>The spend book with the recorded spend of the current day and month (read from the ledger when it is not).</summary>
    private async Task<SpendBook> CurrentSpendAsync(CancellationToken cancellationToken = default)
    {
        var now = billingClock.Now;
        if (!_spend.IsEmpty && !_spend.IsCurrent(now))
        {
            await LoadSpendAsync(now, cancellationToken);
        }

        return _spend;
    }

    private async Task LoadSpendAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var book = _spend;
        var (recorded, snapshot) = await usageLedger.ReadSpendAsync(_tenant, book.Calendar.MonthOf(now), book.Calendar.DayOf(now), cancellationToken);
        book.Load(now, recorded, snapshot);
    }

    /// <summary>The recorded cost of the events that named <paramref name="reservationId"/> (today's and yesterday's).</summary>
    private decimal RecordedFor(Guid reservationId) => _reserved.Values.Sum(r => r.GetValueOrDefault(reservationId));

    /// <summary>A request with empty ids as none, checked.</summary>
    private static SpendRequest Checked(SpendRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Money.Check(request.EstimatedCostUsd, nameof(request.EstimatedCostUsd));
        if (request.EstimatedTokens < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.EstimatedTokens, "Estimated tokens cannot be negative.");
        }

        request = request with
        {
            UserId = string.IsNullOrEmpty(request.UserId) ? null : request.UserId,
            ApiKeyId = string.IsNullOrEmpty(request.ApiKeyId) ? null : request.ApiKeyId,
            Feature = string.IsNullOrEmpty(request.Feature) ? null : request.Feature,
        };
        foreach (var (name, id) in new[] { ("user id", request.UserId), ("API key id", request.ApiKeyId), ("feature", request.Feature) })
        {
            if (id is not null && SpendLimits.SubjectProblem(id) is { } problem)
            {
                throw new ArgumentException($"The {name} {problem}.", nameof(request));
            }
        }

        return request;
    }

    private async Task LoadCostCountersAsync(CancellationToken cancellationToken)
    {
        var today = billingClock.Today;
        var (usage, snapshot) = await usageLedger.ReadCountersAsync(_tenant, today.AddDays(-1), today, cancellationToken);
        _usage.Clear();
        _reserved.Clear();
        Add(usage, today);
        _countersSnapshot = snapshot;
        _countersLoadedAt = billingClock.Now;
        if (!_spend.IsEmpty)
        {
            await LoadSpendAsync(billingClock.Now, cancellationToken);
        }
    }

    /// <summary>Adds <paramref name="batch"/>'s lines of today and yesterday to the counters.</summary>
    private void Add(UsageBatch batch, DateOnly today)
    {
        foreach (var line in batch.Lines.Where(l => l.Day >= today.AddDays(-1)))
        {
            if (!_usage.TryGetValue(line.Day, out var models))
            {
                _usage[line.Day] = models = new Dictionary<string, UsageLine>(StringComparer.Ordinal);
            }

            models[line.Model] = models.TryGetValue(line.Model, out var existing) ? existing.Add(line) : line;
        }

        foreach (var reserved in batch.Reserved.Where(r => r.Day >= today.AddDays(-1)))
        {
            if (!_reserved.TryGetValue(reserved.Day, out var reservations))
            {
                _reserved[reserved.Day] = reservations = [];
            }

            reservations[reserved.ReservationId] = reservations.GetValueOrDefault(reserved.ReservationId) + reserved.CostUsd;
        }
    }

    private void PruneUsage(DateOnly today)
    {
        foreach (var day in _usage.Keys.Union(_reserved.Keys).Where(d => d < today.AddDays(-1)).ToArray())
        {
            _usage.Remove(day);
            _reserved.Remove(day);
        }
    }

    private decimal RecordedTodayUsd() =>
        _usage.TryGetValue(billingClock.Today, out var models) ? models.Values.Sum(l => l.CostUsd) : 0m;

    /// <summary>Moves the budget ledger to today, drops expired holds and forgets settled reservations it no longer needs.</summary>
    private bool RollBudget(BudgetState state, DateTimeOffset now) =>
        HardBudget.Roll(state, billingClock.Today, now, Billing.ReservationTimeout)
        | HardBudget.Fold(state, _reserved.GetValueOrDefault(billingClock.Today) ?? []);

    private BudgetSpend CountToday(BudgetState state) =>
        HardBudget.Count(state, RecordedTodayUsd(), _reserved.GetValueOrDefault(billingClock.Today) ?? []);

    /// <summary>
    /// Raises each newly crossed fraction and each newly unpriced model of the day once: recorded in grain storage
    /// first (so no restart repeats it), then recorded in the alert outbox and, for thresholds, sent through the
    /// event sink by <see cref="SendAlertsAsync"/>, which retries until both accept them; ids are derived from what
    /// the alert is about, so a resend is stored once. With <paramref name="resolveThresholds"/> (the threshold
    /// changed), today's threshold alerts the spend no longer reaches are resolved first, and may be raised again.
    /// </summary>
    private async Task RaiseAlertsAsync(DateOnly today, bool resolveThresholds = false, IReadOnlyList<UsageLine>? arrived = null)
    {
        var state = alertState.State;
        var changed = RollAlertDay(state, today);
        var spend = RecordedTodayUsd();
        var threshold = ThresholdUsd;
        var now = billingClock.Now;
        if (resolveThresholds && state.Raised.Where(a => spend < a.Fraction * threshold).ToArray() is { Length: > 0 } lapsed)
        {
            state.Raised.RemoveAll(lapsed.Contains);
            state.Unrecorded.Add(BillingAlerts.Resolved(_tenant, today, "threshold_raised", state.Generation, lapsed.Select(a => a.EventId).ToArray(),
                $"Daily cost threshold raised to {Money.Format(threshold)} USD, above today's spend of {Money.Format(spend)} USD: {lapsed.Length} threshold alert(s) resolved", now));
            state.Generation++;
            changed = true;
        }

        var crossed = CostAlertPolicy.NewlyCrossed(Billing.EffectiveAlertFractions, threshold, spend, state.Raised.Select(a => a.Fraction));
        var alerts = crossed.Select(f => new CostAlert(
            today, f, threshold, spend, CostAlertPolicy.SeverityOf(f), CostAlertPolicy.EventIdOf(_tenant, today, f, state.Generation), now)).ToArray();
        state.Raised.AddRange(alerts);
        state.Unsent.AddRange(alerts);
        state.Unrecorded.AddRange(alerts.Select(BillingAlerts.Threshold));

        // One alert per model and day: a model is the same in any letter case (the catalog matches it so), and a line
        // of today's counters and a late line of an older day that arrived now are the same model too.
        var unpriced = (_usage.GetValueOrDefault(today)?.Values ?? Enumerable.Empty<UsageLine>())
            .Concat(arrived?.Where(l => l.Day != today) ?? [])
            .Where(l => l.UnpricedEvents > 0)
            .GroupBy(l => BillingAlerts.ModelKey(l.Model))
            .Where(g => !state.UnpricedModels.ContainsKey(g.Key))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Take(Math.Max(0, BillingAlerts.MaxUnpricedModelsPerDay - state.UnpricedModels.Count))
            .Select(g => BillingAlerts.Unpriced(_tenant, today, g.Aggregate((a, b) => a with
            {
                Events = a.Events + b.Events,
                TotalTokens = a.TotalTokens + b.TotalTokens,
                UnpricedEvents = a.UnpricedEvents + b.UnpricedEvents,
            }), now))
            .ToArray();
        foreach (var alert in unpriced)
        {
            state.UnpricedModels[BillingAlerts.ModelKey(alert.Details["model"])] = alert.Id;
        }

        state.Unrecorded.AddRange(unpriced);
        if (!changed && alerts.Length == 0 && unpriced.Length == 0)
        {
            return;
        }

        await alertState.WriteStateAsync();
        foreach (var alert in alerts)
        {
            LogCostAlert(logger, _tenant.Value, alert.Fraction * 100, alert.SpendUsd, alert.ThresholdUsd);
        }

        foreach (var alert in unpriced)
        {
            LogUnpricedModel(logger, _tenant.Value, alert.Details["model"]);
        }

        ArmAlertSending();
    }

    /// <summary>
    /// Moves the alert memory to <paramref name="today"/>; when alerts fired on the day that ended, one
    /// <c>alert.resolved</c> names them all. True when anything changed (the caller writes the state).
    /// </summary>
    private bool RollAlertDay(CostAlertState state, DateOnly today)
    {
        if (state.Day == today)
        {
            return false;
        }

        var fired = state.Raised.Select(a => a.EventId)
            .Concat(state.BudgetExhausted is { } budget ? [budget] : [])
            .Concat(state.UnpricedModels.Values)
            .Concat(state.SpendExhausted.Values)
            .ToArray();
        if (fired.Length > 0)
        {
            state.Unrecorded.Add(BillingAlerts.Resolved(_tenant, state.Day, "day_ended", 0, fired,
                $"A new UTC day began: {fired.Length} alert(s) of {state.Day:yyyy-MM-dd} resolved", billingClock.Now));
        }

        state.Day = today;
        state.Raised = [];
        state.BudgetExhausted = null;
        state.UnpricedModels = [];
        state.SpendExhausted = [];
        state.Generation = 0;
        return true;
    }

    /// <summary>A reservation was denied: the first denial of the day raises <c>budget.exhausted</c>.</summary>
    private async Task RaiseBudgetExhaustedAsync(decimal budgetUsd, decimal countedUsd, decimal estimateUsd)
    {
        var state = alertState.State;
        var changed = RollAlertDay(state, billingClock.Today);
        if (state.BudgetExhausted is null)
        {
            var alert = BillingAlerts.BudgetExhausted(_tenant, state.Day, state.Generation, budgetUsd, countedUsd, estimateUsd, billingClock.Now);
            state.BudgetExhausted = alert.Id;
            state.Unrecorded.Add(alert);
            LogBudgetExhausted(logger, _tenant.Value, countedUsd, budgetUsd);
            changed = true;
        }

        if (changed)
        {
            await alertState.WriteStateAsync();
            ArmAlertSending();
        }
    }

    /// <summary>
    /// A reservation was denied: written when the roll changed the ledger, and the alert raised (a failure to record it is
    /// logged; the denial stands and the alert, kept in memory, is recorded from the refresh timer).
    /// </summary>
    private async Task DenyAsync(bool rolled, Func<Task> raise)
    {
        if (rolled)
        {
            await budgetState.WriteStateAsync();
        }

        try
        {
            await raise();
        }
        catch (Exception e)
        {
            LogAlertRecordFailed(logger, e, _tenant.Value, 1);
        }
    }

    /// <summary>A day or month spend limit denied a reservation: the first denial per limit, subject and period today raises <c>budget.exhausted</c>.</summary>
    private async Task RaiseSpendExhaustedAsync(SpendDenial denial, decimal estimateUsd)
    {
        if (denial.Limit.Period == SpendPeriod.Minute)
        {
            return; // a rate limit answers with Retry-After; it alerts nobody
        }

        var state = alertState.State;
        var changed = RollAlertDay(state, billingClock.Today);
        var key = BillingAlerts.SpendExhaustedKey(denial.Limit, denial.Status.PeriodStart);
        if (!state.SpendExhausted.ContainsKey(key))
        {
            var alert = BillingAlerts.SpendLimitExhausted(_tenant, state.Day, state.Generation, denial, estimateUsd, billingClock.Now);
            state.SpendExhausted[key] = alert.Id;
            state.Unrecorded.Add(alert);
            LogSpendLimitExhausted(logger, _tenant.Value, SpendLimits.ScopeName(denial.Limit.Scope), SpendLimits.PeriodName(denial.Limit.Period));
            changed = true;
        }

        if (changed)
        {
            await alertState.WriteStateAsync();
            ArmAlertSending();
        }
    }

    /// <summary>A limit was set or removed: its <c>budget.exhausted</c> alerts of today (for each subject, when it is a scope's limit for each) are resolved.</summary>
    private async Task ResolveSpendExhaustedAsync(SpendLimit limit, string reason)
    {
        var state = alertState.State;
        var changed = RollAlertDay(state, billingClock.Today);
        var prefix = limit.Subject == SpendLimit.EachSubject
            ? $"{SpendLimits.ScopeName(limit.Scope)}|"
            : $"{SpendLimits.ScopeName(limit.Scope)}|{limit.Subject}|";
        var suffix = $"|{SpendLimits.PeriodName(limit.Period)}|";
        var resolved = state.SpendExhausted.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal) && e.Key.Contains(suffix, StringComparison.Ordinal)).ToArray();
        if (resolved.Length > 0)
        {
            state.Unrecorded.Add(BillingAlerts.Resolved(_tenant, state.Day, reason, state.Generation, resolved.Select(e => e.Value).ToArray(),
                $"Spend limit changed ({limit.Scope} {limit.Subject}, per {SpendLimits.PeriodName(limit.Period)}): {resolved.Length} budget alert(s) resolved",
                billingClock.Now));
            foreach (var (key, _) in resolved)
            {
                state.SpendExhausted.Remove(key);
            }

            state.Generation++;
            changed = true;
        }

        if (changed)
        {
            await alertState.WriteStateAsync();
            ArmAlertSending();
        }
    }

    /// <summary>The budget changed: an exhausted budget that now covers today's counted spend (or is gone) is resolved.</summary>
    private async Task ResolveBudgetExhaustedAsync()
    {
        var state = alertState.State;
        var changed = RollAlertDay(state, billingClock.Today);
        var counted = CountToday(HardBudget.Rolled(budgetState.State, billingClock.Today, billingClock.Now, Billing.ReservationTimeout)).CountedUsd;
        if (state.BudgetExhausted is { } exhausted && (_dailyBudgetUsd is not { } budget || counted < budget))
        {
            state.Unrecorded.Add(BillingAlerts.Resolved(_tenant, state.Day, "budget_raised", state.Generation, [exhausted],
                _dailyBudgetUsd is { } raised
                    ? $"Hard budget raised to {Money.Format(raised)} USD, above today's counted spend of {Money.Format(counted)} USD: budget alert resolved"
                    : "Hard budget removed: budget alert resolved",
                billingClock.Now));
            state.BudgetExhausted = null;
            state.Generation++;
            changed = true;
        }

        if (changed)
        {
            await alertState.WriteStateAsync();
            ArmAlertSending();
        }
    }

    /// <summary>
    /// Sends unsent alerts from a grain timer, not from the call that raised them, so a slow or failing
    /// write delays no caller; the refresh timer arms another attempt after a failure.
    /// </summary>
    private void ArmAlertSending()
    {
        if ((alertState.State.Unsent.Count == 0 && alertState.State.Unrecorded.Count == 0) || _alertSender is not null)
        {
            return;
        }

        _alertSender = this.RegisterGrainTimer(SendAlertsAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private async Task SendAlertsAsync(CancellationToken cancellationToken)
    {
        var state = alertState.State;
        var unrecorded = state.Unrecorded.ToArray();
        var unsent = state.Unsent.ToArray();
        try
        {
            // The outbox and the event sink are retried apart: one being down does not hold up the other.
            var done = await RecordAlertsAsync(unrecorded, cancellationToken);
            try
            {
                if (unsent.Length > 0)
                {
                    await billingEvents.PublishAsync(unsent.Select(a => CostAlertPolicy.ToEvent(_tenant, a)).ToArray(), cancellationToken);
                    state.Unsent.RemoveAll(a => unsent.Contains(a));
                    done = true;
                }
            }
            catch (Exception e)
            {
                // Kept in Unsent: the refresh timer arms another attempt.
                LogAlertSendFailed(logger, e, _tenant.Value, unsent.Length);
            }

            if (done)
            {
                await alertState.WriteStateAsync();
            }
        }
        catch (Exception e)
        {
            LogAlertSendFailed(logger, e, _tenant.Value, unsent.Length + unrecorded.Length);
        }
        finally
        {
            // Disposed only now: disposing a grain timer cancels the token of its running callback,
            // which would cancel this very send. The grain is not reentrant, so no alert is raised
            // (and no second sender armed) while this runs.
            _alertSender?.Dispose();
            _alertSender = null;
        }
    }

    /// <summary>Records <paramref name="unrecorded"/> in the alert outbox; true when the state changed.</summary>
    private async Task<bool> RecordAlertsAsync(Alert[] unrecorded, CancellationToken cancellationToken)
    {
        if (unrecorded.Length == 0)
        {
            return false;
        }

        try
        {
            await alertOutbox.RecordAsync(_tenant, unrecorded, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // No tenants row: such a tenant has no channels, so there is nobody to deliver to.
            LogAlertsWithoutTenant(logger, _tenant.Value, unrecorded.Length);
        }
        catch (Exception e)
        {
            // Kept in Unrecorded: the refresh timer arms another attempt.
            LogAlertRecordFailed(logger, e, _tenant.Value, unrecorded.Length);
            return false;
        }

        alertState.State.Unrecorded.RemoveAll(a => unrecorded.Contains(a));
        return true;
    }

    private async Task WriteBudgetAsync(Action undo)
    {
        try
        {
            await budgetState.WriteStateAsync();
        }
        catch
        {
            undo();
            throw;
        }
    }

    private async Task UpdateTenantAsync(string sql, decimal? value)
    {
        var updated = await database.RunAsync(_tenant, async session =>
        {
            await using var update = session.Command(sql).Bind(value);
            return await update.ExecuteNonQueryAsync(session.CancellationToken);
        });
        if (updated == 0)
        {
            throw new TenantNotFoundException($"Tenant {_tenant} does not exist.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId} spent {SpendUsd} USD today: {Percent}% of its {ThresholdUsd} USD daily threshold")]
    private static partial void LogCostAlert(ILogger logger, Guid tenantId, decimal percent, decimal spendUsd, decimal thresholdUsd);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId} used up its {BudgetUsd} USD hard budget ({CountedUsd} USD counted): a reservation was denied")]
    private static partial void LogBudgetExhausted(ILogger logger, Guid tenantId, decimal countedUsd, decimal budgetUsd);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId} used up a {Scope} spend limit per {Period}: a reservation was denied")]
    private static partial void LogSpendLimitExhausted(ILogger logger, Guid tenantId, string scope, string period);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId} has the time zone '{TimeZone}', which is not known here: its spend limits count UTC days and months")]
    private static partial void LogUnknownTimeZone(ILogger logger, Guid tenantId, string timeZone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId} sent AI events of model {Model}, which has no price")]
    private static partial void LogUnpricedModel(ILogger logger, Guid tenantId, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId}: {Count} alert(s) not yet recorded in the alert outbox; will retry")]
    private static partial void LogAlertRecordFailed(ILogger logger, Exception exception, Guid tenantId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId} has no tenants row: {Count} alert(s) have no channel to go to and are not recorded")]
    private static partial void LogAlertsWithoutTenant(ILogger logger, Guid tenantId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId}: {Count} cost alert(s) not yet stored; will retry")]
    private static partial void LogAlertSendFailed(ILogger logger, Exception exception, Guid tenantId, int count);
}
