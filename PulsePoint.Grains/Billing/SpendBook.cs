namespace PulsePoint.Billing;

/// <summary>The recorded spend of one subject in the current day and month, as read from the ledger.</summary>
public sealed record RecordedSpend(SpendScope Scope, string Subject, decimal DayUsd, decimal MonthUsd);

/// <summary>Why a reservation was denied: the limit (with the subject it was checked for), what it counted, and when a rate limit frees enough.</summary>
public sealed record SpendDenial(SpendLimit Limit, SpendLimitStatus Status, TimeSpan? RetryAfter);

/// <summary>A reservation checked against every limit that applies: the first it does not fit in, or the least USD any of them has left.</summary>
public sealed record SpendCheck(SpendDenial? Denial, decimal? LeastRemainingUsd);

/// <summary>
/// A tenant's spend limits and the spend they count, held by its billing grain. A day or month budget counts, for its
/// subject, the recorded cost of the period's AI events plus what each live reservation made in the period holds
/// beyond its events' recorded cost (the estimate while held, the actual cost once committed): so a reservation and
/// its own events count once, and a call tracked without a reservation counts in full. A minute rate limit counts the
/// last 60 seconds: reservations by when they were made (their amount, or their events' cost if larger) and the usage
/// of events without a reservation by when it arrived. The grain decides one call at a time, so checking every limit
/// and then holding is race-free.
/// </summary>
public sealed class SpendBook
{
    /// <summary>The span a minute limit slides over.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Dictionary<(SpendScope, string, SpendPeriod), SpendLimit> _limits;
    private readonly HashSet<SpendScope> _scopes;
    private readonly bool _hasMinuteLimits;
    private readonly Dictionary<(SpendScope, string), decimal> _day = [];
    private readonly Dictionary<(SpendScope, string), decimal> _month = [];
    private readonly List<Arrival> _minute = [];

    public SpendBook(IReadOnlyList<SpendLimit> limits, TenantCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(calendar);
        Limits = limits;
        Calendar = calendar;
        _limits = limits.ToDictionary(l => (l.Scope, l.Subject, l.Period));
        _scopes = limits.Select(l => l.Scope).ToHashSet();
        _hasMinuteLimits = limits.Any(l => l.Period == SpendPeriod.Minute);
    }

    public IReadOnlyList<SpendLimit> Limits { get; }

    public TenantCalendar Calendar { get; }

    public bool IsEmpty => Limits.Count == 0;

    /// <summary>The scopes that have limits; the ledger read and the feed keep the spend of these only.</summary>
    public IReadOnlySet<SpendScope> Scopes => _scopes;

    /// <summary>The day the recorded spend is of; default until <see cref="Load"/>.</summary>
    public (DateTimeOffset Start, DateTimeOffset End) Day { get; private set; }

    /// <summary>The month the recorded spend is of.</summary>
    public (DateTimeOffset Start, DateTimeOffset End) Month { get; private set; }

    /// <summary>The snapshot of the ledger read: batches it saw are counted already.</summary>
    public PgSnapshot? Snapshot { get; private set; }

    /// <summary>True when the recorded spend is of the day <paramref name="now"/> is in (else reload it).</summary>
    public bool IsCurrent(DateTimeOffset now) => Snapshot is not null && now >= Day.Start && now < Day.End;

    /// <summary>Replaces the recorded spend with a ledger read of the day and month of <paramref name="now"/>.</summary>
    public void Load(DateTimeOffset now, IEnumerable<RecordedSpend> recorded, PgSnapshot snapshot)
    {
        Day = Calendar.DayOf(now);
        Month = Calendar.MonthOf(now);
        _day.Clear();
        _month.Clear();
        foreach (var row in recorded.Where(r => _scopes.Contains(r.Scope)))
        {
            _day[(row.Scope, row.Subject)] = row.DayUsd;
            _month[(row.Scope, row.Subject)] = row.MonthUsd;
        }

        Snapshot = snapshot;
    }

    /// <summary>
    /// Adds a committed batch's cost to the day and month; events of another day or month than the loaded ones are left
    /// to the next load. Call it only for a batch the ledger read did not see (<see cref="Snapshot"/>).
    /// </summary>
    public void AddRecorded(IEnumerable<ScopedUsage> usage)
    {
        foreach (var u in usage)
        {
            foreach (var subject in SubjectsOf(u.UserId, u.ApiKeyId, u.Feature).Where(s => _scopes.Contains(s.Scope)))
            {
                if (u.Quarter >= Month.Start && u.Quarter < Month.End)
                {
                    _month[subject] = _month.GetValueOrDefault(subject) + u.CostUsd;
                }

                if (u.Quarter >= Day.Start && u.Quarter < Day.End)
                {
                    _day[subject] = _day.GetValueOrDefault(subject) + u.CostUsd;
                }
            }
        }
    }

    /// <summary>
    /// Adds a committed batch's usage without a reservation to the rate limits' minute, at its arrival: for every batch
    /// once, whether or not a ledger read saw it (the minute is not read from the ledger).
    /// </summary>
    public void AddArrivals(IEnumerable<ScopedUsage> usage, DateTimeOffset now)
    {
        if (!_hasMinuteLimits)
        {
            return;
        }

        _minute.AddRange(usage.Where(u => !u.Reserved).Select(u => new Arrival(now, u.UserId, u.ApiKeyId, u.Feature, u.CostUsd, u.Tokens)));
        _minute.RemoveAll(a => a.At <= now - Window);
    }

    /// <summary>
    /// The limits a reservation for <paramref name="request"/>'s subjects must fit in, each with its subject: per scope and
    /// period, the subject's own limit, else the scope's limit for each subject.
    /// </summary>
    public IEnumerable<(SpendLimit Limit, string Subject)> Applying(SpendRequest request)
    {
        foreach (var (scope, subject) in SubjectsOf(request.UserId, request.ApiKeyId, request.Feature).Where(s => _scopes.Contains(s.Scope)))
        {
            foreach (var period in Enum.GetValues<SpendPeriod>())
            {
                if (_limits.TryGetValue((scope, subject, period), out var own))
                {
                    yield return (own, subject);
                }
                else if (scope != SpendScope.Tenant && _limits.TryGetValue((scope, SpendLimit.EachSubject, period), out var each))
                {
                    yield return (each, subject);
                }
            }
        }
    }

    /// <summary>
    /// Where <paramref name="limit"/> stands for <paramref name="subject"/> at <paramref name="now"/>, with the reservations of
    /// <paramref name="state"/> and <paramref name="recordedFor"/>, the recorded cost of the events that named a reservation.
    /// </summary>
    public SpendLimitStatus Status(SpendLimit limit, string subject, BudgetState state, Func<Guid, decimal> recordedFor, DateTimeOffset now)
    {
        var key = (limit.Scope, subject);
        decimal usd;
        long tokens = 0;
        DateTimeOffset start;
        if (limit.Period == SpendPeriod.Minute)
        {
            start = now - Window;
            usd = 0m;
            foreach (var entry in WindowEntries(limit.Scope, subject, state, recordedFor, now))
            {
                usd += entry.Usd;
                tokens += entry.Tokens;
            }
        }
        else
        {
            var (periodStart, periodEnd) = limit.Period == SpendPeriod.Day ? Day : Month;
            start = periodStart;
            usd = (limit.Period == SpendPeriod.Day ? _day : _month).GetValueOrDefault(key)
                + state.Excess.GetValueOrDefault(ExcessKey(limit.Period, periodStart, limit.Scope, subject));
            foreach (var (id, hold) in state.Spend.Where(h => h.Value.At >= periodStart && h.Value.At < periodEnd && h.Value.IsLive(now) && h.Value.IsFor(limit.Scope, subject)))
            {
                usd += Math.Max(0m, hold.AmountUsd - recordedFor(id));
            }
        }

        var forSubject = limit.Subject == subject ? limit : limit with { Subject = subject };
        return new SpendLimitStatus(forSubject, subject, start, usd, tokens, limit.LimitUsd - usd, limit.LimitTokens - tokens);
    }

    /// <summary>
    /// Checks <paramref name="request"/> against every limit that applies, each counted once: the first it does not fit in,
    /// or, when it fits in all, the least USD any of them has left before it.
    /// </summary>
    public SpendCheck Check(SpendRequest request, BudgetState state, Func<Guid, decimal> recordedFor, DateTimeOffset now)
    {
        decimal? least = null;
        foreach (var (limit, subject) in Applying(request))
        {
            var status = Status(limit, subject, state, recordedFor, now);
            var overUsd = status.RemainingUsd is { } usd && request.EstimatedCostUsd > usd;
            var overTokens = status.RemainingTokens is { } tokens && request.EstimatedTokens > tokens;
            if (overUsd || overTokens)
            {
                return new SpendCheck(
                    new SpendDenial(status.Limit, status, limit.Period == SpendPeriod.Minute ? RetryAfter(limit, subject, request, state, recordedFor, now) : null),
                    null);
            }

            if (status.RemainingUsd is { } left && (least is null || left < least))
            {
                least = left;
            }
        }

        return new SpendCheck(null, least);
    }

    /// <summary>
    /// Forgets reservations the limits no longer need one by one: held ones expired for a reservation lifetime, and
    /// committed ones settled long enough ago for a client's retry and the rate window; what a committed one counted beyond
    /// its events' recorded cost stays in <see cref="BudgetState.Excess"/> for its day and month. True when anything changed.
    /// </summary>
    public bool Fold(BudgetState state, Func<Guid, decimal> recordedFor, DateTimeOffset now, TimeSpan reservationTimeout)
    {
        var changed = false;
        var memory = reservationTimeout * 2 > Window ? reservationTimeout * 2 : Window;
        foreach (var (id, hold) in state.Spend.ToArray())
        {
            if (hold.CommittedAt is { } committed ? now - committed < memory : now < hold.ExpiresAt + reservationTimeout)
            {
                continue;
            }

            var excess = hold.CommittedAt is null ? 0m : Math.Max(0m, hold.AmountUsd - recordedFor(id));
            if (excess > 0m)
            {
                foreach (var (scope, subject) in SubjectsOf(hold.UserId, hold.ApiKeyId, hold.Feature))
                {
                    foreach (var (period, (start, end)) in new[] { (SpendPeriod.Day, Day), (SpendPeriod.Month, Month) })
                    {
                        if (hold.At >= start && hold.At < end)
                        {
                            var key = ExcessKey(period, start, scope, subject);
                            state.Excess[key] = state.Excess.GetValueOrDefault(key) + excess;
                        }
                    }
                }
            }

            state.Spend.Remove(id);
            changed = true;
        }

        var current = new[] { ExcessPrefix(SpendPeriod.Day, Day.Start), ExcessPrefix(SpendPeriod.Month, Month.Start) };
        foreach (var key in state.Excess.Keys.Where(k => !current.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToArray())
        {
            state.Excess.Remove(key);
            changed = true;
        }

        return changed;
    }

    /// <summary>The key of <see cref="BudgetState.Excess"/> for one period and subject.</summary>
    public static string ExcessKey(SpendPeriod period, DateTimeOffset start, SpendScope scope, string subject) =>
        $"{ExcessPrefix(period, start)}{SpendLimits.ScopeName(scope)}|{subject}";

    /// <summary>The subjects an event or reservation with these ids counts for: the tenant, and each id it has.</summary>
    public static IEnumerable<(SpendScope Scope, string Subject)> SubjectsOf(string? userId, string? apiKeyId, string? feature)
    {
        yield return (SpendScope.Tenant, "");
        if (userId is not null)
        {
            yield return (SpendScope.User, userId);
        }

        if (apiKeyId is not null)
        {
            yield return (SpendScope.ApiKey, apiKeyId);
        }

        if (feature is not null)
        {
            yield return (SpendScope.Feature, feature);
        }
    }

    private static string ExcessPrefix(SpendPeriod period, DateTimeOffset start) => $"{SpendLimits.PeriodName(period)}|{start.UtcTicks}|";

    /// <summary>How long until enough of the window's spend slides out for <paramref name="request"/> to fit; null: it never fits.</summary>
    private TimeSpan? RetryAfter(SpendLimit limit, string subject, SpendRequest request, BudgetState state, Func<Guid, decimal> recordedFor, DateTimeOffset now)
    {
        if (request.EstimatedCostUsd > limit.LimitUsd || request.EstimatedTokens > limit.LimitTokens)
        {
            return null;
        }

        var entries = WindowEntries(limit.Scope, subject, state, recordedFor, now).OrderBy(e => e.At).ToArray();
        var usd = entries.Sum(e => e.Usd);
        var tokens = entries.Sum(e => e.Tokens);
        foreach (var entry in entries)
        {
            usd -= entry.Usd;
            tokens -= entry.Tokens;
            if (usd + request.EstimatedCostUsd <= (limit.LimitUsd ?? decimal.MaxValue) && tokens + request.EstimatedTokens <= (limit.LimitTokens ?? long.MaxValue))
            {
                var wait = entry.At + Window - now;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return Window;
    }

    /// <summary>
    /// What a minute limit of <paramref name="subject"/> counts: usage without a reservation by when it arrived, and each
    /// live reservation made in the last minute (its amount, or its events' cost if larger; its tokens).
    /// </summary>
    private IEnumerable<(DateTimeOffset At, decimal Usd, long Tokens)> WindowEntries(
        SpendScope scope, string subject, BudgetState state, Func<Guid, decimal> recordedFor, DateTimeOffset now)
    {
        var start = now - Window;
        return _minute.Where(a => a.At > start && a.IsFor(scope, subject)).Select(a => (a.At, a.CostUsd, a.Tokens))
            .Concat(state.Spend.Where(h => h.Value.At > start && h.Value.IsLive(now) && h.Value.IsFor(scope, subject))
                .Select(h => (h.Value.At, Math.Max(h.Value.AmountUsd, recordedFor(h.Key)), h.Value.Tokens)));
    }

    /// <summary>True when spend with these ids counts for <paramref name="subject"/> of <paramref name="scope"/>.</summary>
    public static bool IsFor(SpendScope scope, string subject, string? userId, string? apiKeyId, string? feature) => scope switch
    {
        SpendScope.Tenant => true,
        SpendScope.User => string.Equals(userId, subject, StringComparison.Ordinal),
        SpendScope.ApiKey => string.Equals(apiKeyId, subject, StringComparison.Ordinal),
        SpendScope.Feature => string.Equals(feature, subject, StringComparison.Ordinal),
        _ => false,
    };

    private sealed record Arrival(DateTimeOffset At, string? UserId, string? ApiKeyId, string? Feature, decimal CostUsd, long Tokens)
    {
        public bool IsFor(SpendScope scope, string subject) => SpendBook.IsFor(scope, subject, UserId, ApiKeyId, Feature);
    }
}
