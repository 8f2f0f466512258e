namespace PulsePoint.LoadTest;

/// <summary>
/// One load-test scenario: an operation through PulsePoint (grain calls via the client) and, where one
/// exists, a baseline operation doing the same work directly against PostgreSQL, measured the same way
/// in the same run so the report can show a ratio instead of a machine-dependent absolute.
/// </summary>
public abstract class Scenario
{
    /// <summary>Command-line name, e.g. <c>tenant-check</c>.</summary>
    public abstract string Name { get; }

    /// <summary>One line for --help and the report.</summary>
    public abstract string Description { get; }

    /// <summary>True when the scenario needs the driver's own silo (--in-process); <c>all</c> leaves it out otherwise.</summary>
    public virtual bool NeedsInProcess => false;

    /// <summary>
    /// True when an operation and its baseline only read, so running them call by call with the same inputs
    /// (<c>--paired</c>) measures both fairly.
    /// </summary>
    public virtual bool Pairable => false;

    /// <summary>What the baseline does, or null when the scenario has none.</summary>
    public virtual string? Baseline => null;

    /// <summary>Creates what the operations need (tenants, data); idempotent and reproducible from the seed.</summary>
    public virtual Task SetupAsync(LoadContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>One operation through PulsePoint.</summary>
    public abstract Task RunOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken);

    /// <summary>The same work done by the baseline; only called when <see cref="Baseline"/> is set.</summary>
    public virtual Task RunBaselineOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{Name} has no baseline");

    /// <summary>Figures beyond throughput and latency (e.g. database loads per 1,000 checks), read after the run.</summary>
    public virtual Task<IReadOnlyDictionary<string, double>> ExtraFiguresAsync(LoadContext context, long operations, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, double>>(new Dictionary<string, double>());

    /// <summary>Called after each measured PulsePoint slice, before the baseline runs (e.g. to let deliveries finish).</summary>
    public virtual Task AfterPulsePointSliceAsync(LoadContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called before the measured PulsePoint phase (e.g. to snapshot counters).</summary>
    public virtual Task BeforeMeasuredRunAsync(LoadContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
