using Npgsql;
using PulsePoint.Tenancy;

namespace PulsePoint.LoadTest;

/// <summary>What scenarios share: the cluster client, the database roles, the tenants, the options.</summary>
public sealed class LoadContext(
    IClusterClient client,
    NpgsqlDataSource application,
    NpgsqlDataSource pipeline,
    LoadOptions options,
    IReadOnlyList<string>? destinationNames = null,
    IReadOnlyList<NpgsqlDataSource>? siloDataSources = null,
    Uri? siloWebAddress = null,
    IServiceProvider? siloServices = null)
    : IAsyncDisposable
{
    public IClusterClient Client { get; } = client;

    /// <summary>The application role (RLS applies), for baselines that must pay what PulsePoint pays.</summary>
    public NpgsqlDataSource Application { get; } = application;

    /// <summary>The pipeline role (BYPASSRLS), for bulk set-up and no-RLS baselines.</summary>
    public NpgsqlDataSource Pipeline { get; } = pipeline;

    public LoadOptions Options { get; } = options;

    /// <summary>The cursor names of the in-process silo's outbox destinations; null against an external cluster.</summary>
    public IReadOnlyList<string>? DestinationNames { get; } = destinationNames;

    /// <summary>The in-process silo's web host (HTTP API); null against an external cluster.</summary>
    public Uri? SiloWebAddress { get; } = siloWebAddress;

    /// <summary>The in-process silo's services (e.g. its API key store); null against an external cluster.</summary>
    public IServiceProvider? SiloServices { get; } = siloServices;

    /// <summary>The load's tenants, derived from the seed so every run uses the same ids.</summary>
    public IReadOnlyList<TenantId> Tenants { get; } = DeriveTenants(options.Seed, options.Tenants);

    public TenantId PickTenant(Random random) => Tenants[random.Next(Tenants.Count)];

    /// <summary>
    /// Tenants of their own for the baselines that COPY raw event rows: those rows have no usage rows, so written for
    /// <see cref="Tenants"/> they would show as drift in the reconcile after the run, which checks what went through PulsePoint.
    /// The load's ids with the UUID version nibble set to 8: reproducible, and never a load tenant of any seed (version 4).
    /// </summary>
    public IReadOnlyList<TenantId> BaselineTenants { get; } = DeriveTenants(options.Seed, options.Tenants).Select(t =>
    {
        var bytes = t.Value.ToByteArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x80);
        return new TenantId(new Guid(bytes));
    }).ToArray();

    public TenantId PickBaselineTenant(Random random) => BaselineTenants[random.Next(BaselineTenants.Count)];

    /// <summary>
    /// Closes the idle connections of the driver's data sources and, with <c>--in-process</c>, of the silo's, so a
    /// scenario's warm-up opens as many connections per role as its callers need. Npgsql hands idle connections
    /// out first in, first out: a pool left holding more connections than callers (the silo's application pool
    /// after the tenant grains' activations, say) spreads one caller's calls over several backends, each colder,
    /// which measured +10% p50 and +30-40% p99 on the same query against a pool of one.
    /// </summary>
    public void ClearPools()
    {
        foreach (var source in new[] { Application, Pipeline }.Concat(siloDataSources ?? []))
        {
            source.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Application.DisposeAsync();
        await Pipeline.DisposeAsync();
    }

    /// <summary>Reproducible tenant ids: the same seed and count give the same ids in every run.</summary>
    public static TenantId[] DeriveTenants(int seed, int count)
    {
        var random = new Random(seed);
        var bytes = new byte[16];
        return Enumerable.Range(0, count).Select(_ =>
        {
            random.NextBytes(bytes);
            bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 layout in Guid's little-endian field order
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
            return new TenantId(new Guid(bytes));
        }).ToArray();
    }
}
