using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>
/// One tenant's money: today's cost counters (rebuilt from <c>ai_token_usage</c> on activation, then fed
/// once per committed event batch by the sink, which does not wait for it), cost alerts (persisted in grain
/// storage, written to the event store by <see cref="IBillingEventPublisher"/>), and the opt-in hard budget
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
    ILogger<TenantBillingGrain> logger,
    [PersistentState("costAlerts", "Default")] IPersistentState<CostAlertState> alertState,
    [PersistentState("budget", "Default")] IPersistentState<BudgetState> budgetState) : Grain, ITenantBillingGrain, ITenantUsageFeed
{
    private const string SelectSettingsSql = "select daily_cost_threshold_usd, daily_budget_usd from tenants where id = $1";
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
            await RaiseAlertsAsync(today);
        }
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

    async Task ITenantBillingGrain.SetDailyCostThresholdAsync(decimal? dailyCostThresholdUsd)
    {
        if (dailyCostThresholdUsd is { } threshold)
        {
            Money.Check(threshold, nameof(dailyCostThresholdUsd));
        }

        await UpdateTenantAsync(UpdateThresholdSql, dailyCostThresholdUsd);
        _dailyCostThresholdUsd = dailyCostThresholdUsd;
        await RaiseAlertsAsync(billingClock.Today);
    }

    async Task ITenantBillingGrain.SetDailyBudgetAsync(decimal? dailyBudgetUsd)
    {
        if (dailyBudgetUsd is { } budgetUsd)
        {
            Money.Check(budgetUsd, nameof(dailyBudgetUsd));
        }

        await UpdateTenantAsync(UpdateBudgetSql, dailyBudgetUsd);
        _dailyBudgetUsd = dailyBudgetUsd;
    }

    async Task<BudgetReservation> ITenantBillingGrain.ReserveBudgetAsync(decimal estimatedCostUsd)
    {
        Money.Check(estimatedCostUsd, nameof(estimatedCostUsd));

        if (_dailyBudgetUsd is not { } budget)
        {
            // No budget: nothing to hold or persist; the id only lets the caller's code stay the same.
            return new BudgetReservation(true, Guid.NewGuid(), null, null, null);
        }

        var now = billingClock.Now;
        var state = budgetState.State;
        var rolled = HardBudget.Roll(state, billingClock.Today, now, Billing.ReservationTimeout);
        var remaining = budget - CountToday(state).CountedUsd;
        if (estimatedCostUsd > remaining)
        {
            if (rolled)
            {
                await budgetState.WriteStateAsync();
            }

            return new BudgetReservation(false, null, Math.Max(remaining, 0m), budget, null);
        }

        var id = Guid.NewGuid();
        var hold = new BudgetHold(estimatedCostUsd, now + Billing.ReservationTimeout);
        state.Held[id] = hold;
        await WriteBudgetAsync(() => state.Held.Remove(id));
        return new BudgetReservation(true, id, remaining - estimatedCostUsd, budget, hold.ExpiresAt);
    }

    async Task<BudgetSettlement> ITenantBillingGrain.CommitBudgetAsync(Guid reservationId, decimal actualCostUsd)
    {
        Money.Check(actualCostUsd, nameof(actualCostUsd));

        if (_dailyBudgetUsd is null && budgetState.State.Held.Count == 0)
        {
            return BudgetSettlement.NotHeld;
        }

        var now = billingClock.Now;
        var state = budgetState.State;
        HardBudget.Roll(state, billingClock.Today, now, Billing.ReservationTimeout);
        if (state.Settled.ContainsKey(reservationId))
        {
            return BudgetSettlement.AlreadySettled;
        }

        // Held or not (expired, unknown), the money was spent: it counts against today once.
        var held = state.Held.Remove(reservationId, out var hold);
        state.CommittedUsd += actualCostUsd;
        state.Committed[reservationId] = actualCostUsd;
        state.Settled[reservationId] = now;
        await WriteBudgetAsync(() =>
        {
            state.CommittedUsd -= actualCostUsd;
            state.Committed.Remove(reservationId);
            state.Settled.Remove(reservationId);
            if (held)
            {
                state.Held[reservationId] = hold!;
            }
        });
        return held ? BudgetSettlement.Committed : BudgetSettlement.NotHeld;
    }

    async Task<BudgetSettlement> ITenantBillingGrain.ReleaseBudgetAsync(Guid reservationId)
    {
        var now = billingClock.Now;
        var state = budgetState.State;
        HardBudget.Roll(state, billingClock.Today, now, Billing.ReservationTimeout);
        if (state.Settled.ContainsKey(reservationId))
        {
            return BudgetSettlement.AlreadySettled;
        }

        if (!state.Held.Remove(reservationId, out var hold))
        {
            return BudgetSettlement.NotHeld;
        }

        state.Settled[reservationId] = now;
        await WriteBudgetAsync(() =>
        {
            state.Settled.Remove(reservationId);
            state.Held[reservationId] = hold;
        });
        return BudgetSettlement.Released;
    }

    Task<BudgetStatus> ITenantBillingGrain.GetBudgetAsync()
    {
        // A copy: a read-only call must not change the persisted ledger.
        var state = new BudgetState
        {
            Day = budgetState.State.Day,
            CommittedUsd = budgetState.State.CommittedUsd,
            Held = new(budgetState.State.Held),
            Settled = new(budgetState.State.Settled),
            Committed = new(budgetState.State.Committed),
        };
        HardBudget.Roll(state, billingClock.Today, billingClock.Now, Billing.ReservationTimeout);
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

    private async Task RefreshOnTimerAsync(CancellationToken cancellationToken)
    {
        // Its own pool: a refresh overlapping callers' queries must not widen theirs (see DataSources.Background).
        await LoadSettingsAsync(backgroundDatabase, cancellationToken);
        if (billingClock.Now - _countersLoadedAt >= Billing.CounterReloadPeriod)
        {
            await LoadCostCountersAsync(cancellationToken);
            await RaiseAlertsAsync(billingClock.Today);
        }

        ArmAlertSending();
    }

    private async Task LoadSettingsAsync(TenantDatabase source, CancellationToken cancellationToken)
    {
        (_dailyCostThresholdUsd, _dailyBudgetUsd) = await source.ReadAsync(_tenant, SelectSettingsSql, bind: null, async (reader, ct) =>
            await reader.ReadAsync(ct)
                ? (reader.IsDBNull(0) ? (decimal?)null : reader.GetDecimal(0), reader.IsDBNull(1) ? (decimal?)null : reader.GetDecimal(1))
                : (null, null), cancellationToken);
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

    private BudgetSpend CountToday(BudgetState state) =>
        HardBudget.Count(state, RecordedTodayUsd(), _reserved.GetValueOrDefault(billingClock.Today) ?? []);

    /// <summary>
    /// Raises each newly crossed fraction once: recorded in grain storage first (so no restart repeats
    /// it), then sent through the event sink by <see cref="SendAlertsAsync"/>, which retries until the
    /// sink accepts it; the event id is derived from tenant, day and fraction, so a resend is stored once.
    /// </summary>
    private async Task RaiseAlertsAsync(DateOnly today)
    {
        var state = alertState.State;
        if (state.Day != today)
        {
            state.Day = today;
            state.Raised = [];
        }

        var spend = RecordedTodayUsd();
        var threshold = ThresholdUsd;
        var crossed = CostAlertPolicy.NewlyCrossed(Billing.EffectiveAlertFractions, threshold, spend, state.Raised.Select(a => a.Fraction));
        if (crossed.Count == 0)
        {
            return;
        }

        var now = billingClock.Now;
        var alerts = crossed.Select(f => new CostAlert(
            today, f, threshold, spend, CostAlertPolicy.SeverityOf(f), CostAlertPolicy.EventIdOf(_tenant, today, f), now)).ToArray();
        state.Raised.AddRange(alerts);
        state.Unsent.AddRange(alerts);
        await alertState.WriteStateAsync();
        foreach (var alert in alerts)
        {
            LogCostAlert(logger, _tenant.Value, alert.Fraction * 100, alert.SpendUsd, alert.ThresholdUsd);
        }

        ArmAlertSending();
    }

    /// <summary>
    /// Sends unsent alerts from a grain timer, not from the call that raised them, so a slow or failing
    /// write delays no caller; the refresh timer arms another attempt after a failure.
    /// </summary>
    private void ArmAlertSending()
    {
        if (alertState.State.Unsent.Count == 0 || _alertSender is not null)
        {
            return;
        }

        _alertSender = this.RegisterGrainTimer(SendAlertsAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private async Task SendAlertsAsync(CancellationToken cancellationToken)
    {
        var unsent = alertState.State.Unsent.ToArray();
        try
        {
            if (unsent.Length > 0)
            {
                await billingEvents.PublishAsync(unsent.Select(a => CostAlertPolicy.ToEvent(_tenant, a)).ToArray(), cancellationToken);
                alertState.State.Unsent.RemoveAll(a => unsent.Contains(a));
                await alertState.WriteStateAsync();
            }
        }
        catch (Exception e)
        {
            // Kept in Unsent: the refresh timer arms another attempt.
            LogAlertSendFailed(logger, e, _tenant.Value, unsent.Length);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId}: {Count} cost alert(s) not yet stored; will retry")]
    private static partial void LogAlertSendFailed(ILogger logger, Exception exception, Guid tenantId, int count);
}
