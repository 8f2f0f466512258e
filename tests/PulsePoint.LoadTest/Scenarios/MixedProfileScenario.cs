using System.Collections.Concurrent;

namespace PulsePoint.LoadTest.Scenarios;

/// <summary>
/// A backend service's traffic as one profile: each operation is one of tenant check, brand summary,
/// AI event and API event, drawn by the <c>--mix</c> weights from the caller's seeded random. The
/// baseline draws the same mix of the parts' baselines (direct lookup, same SQL as BYPASSRLS, raw COPY
/// of one row). Used for the 1/2/3-silo scaling runs. Extra figures: the share each part actually got,
/// and database loads per 1,000 of the mix's tenant checks.
/// </summary>
public sealed class MixedProfileScenario : Scenario
{
    private readonly TenantCheckScenario _tenantCheck = new();
    private readonly Dictionary<string, Scenario> _parts;
    private readonly ConcurrentDictionary<string, long> _counts = new();
    private (Scenario Part, int UpTo)[] _table = [];
    private int _total;

    public MixedProfileScenario()
    {
        _parts = new Dictionary<string, Scenario>
        {
            ["tenant-check"] = _tenantCheck,
            ["brand-summary"] = BrandSummaryScenario.AgainstSql(),
            ["track-ai"] = TrackEventScenario.Ai(),
            ["track-api"] = TrackEventScenario.Api(),
        };
    }

    public override string Name => "mixed";

    public override string Description => "weighted mix of tenant check, brand summary, AI and API tracking (--mix)";

    public override string? Baseline => "the same weighted mix of the parts' baselines";

    public override async Task SetupAsync(LoadContext context, CancellationToken cancellationToken)
    {
        var running = 0;
        _table = context.Options.Mix.Where(kv => kv.Value > 0)
            .Select(kv => (_parts[kv.Key], running += kv.Value))
            .ToArray();
        _total = running;
        foreach (var (part, _) in _table)
        {
            await part.SetupAsync(context, cancellationToken);
        }

        if (_table.All(t => t.Part != _tenantCheck))
        {
            // The other parts pick from the same tenants; create them the same way even without checks.
            await _tenantCheck.SetupAsync(context, cancellationToken);
        }
    }

    public override async Task BeforeMeasuredRunAsync(LoadContext context, CancellationToken cancellationToken)
    {
        _counts.Clear();
        await _tenantCheck.BeforeMeasuredRunAsync(context, cancellationToken);
    }

    public override Task RunOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        var part = Pick(random);
        _counts.AddOrUpdate(part.Name, 1, (_, n) => n + 1);
        return part.RunOnceAsync(context, random, cancellationToken);
    }

    public override Task RunBaselineOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken) =>
        Pick(random).RunBaselineOnceAsync(context, random, cancellationToken);

    public override async Task<IReadOnlyDictionary<string, double>> ExtraFiguresAsync(LoadContext context, long operations, CancellationToken cancellationToken)
    {
        // Counted from before warm-up, like the tenant grains' load counters, so the two match.
        var counts = _counts.ToDictionary(kv => kv.Key, kv => kv.Value);
        var all = Math.Max(1, counts.Values.Sum());
        var extra = new Dictionary<string, double>();
        foreach (var (name, _) in _parts)
        {
            extra[$"pct_{name}"] = 100.0 * counts.GetValueOrDefault(name) / all;
        }

        if (counts.GetValueOrDefault(_tenantCheck.Name) is > 0 and var checks)
        {
            foreach (var (key, value) in await _tenantCheck.ExtraFiguresAsync(context, checks, cancellationToken))
            {
                extra[key] = value;
            }
        }

        return extra;
    }

    private Scenario Pick(Random random)
    {
        var draw = random.Next(_total);
        foreach (var (part, upTo) in _table)
        {
            if (draw < upTo)
            {
                return part;
            }
        }

        throw new InvalidOperationException("the mix table is empty");
    }
}
