using System.Diagnostics;
using System.Runtime;
using Npgsql;
using NpgsqlTypes;
using PulsePoint.Client;
using PulsePoint.Tenancy;

namespace PulsePoint.LoadTest.Scenarios;

/// <summary>
/// Silo memory per active tenant grain: inserts <c>--grains</c> tenant rows (ids from the seed, apart
/// from the load's tenants), measures the process after a full compacting GC, activates one TenantGrain
/// per tenant with a status check, and measures again. The operations are then tenant checks spread
/// over all of them (checks at that many active grains). Memory is only meaningful with --in-process
/// (the silo is this process; the client in it adds a grain reference per tenant, which is counted);
/// against a remote cluster the figures are left out.
/// </summary>
public sealed class GrainMemoryScenario : Scenario
{
    private const string InsertTenantsSql = """
        insert into tenants (id, name)
        select id, 'memory tenant ' || left(id::text, 8) from unnest($1::uuid[]) as t(id)
        on conflict (id) do nothing
        """;

    // A different stream from the load's tenants, so their already active grains are not counted.
    private const int SeedOffset = 0x6D656D;

    private TenantId[] _tenants = [];
    private readonly Dictionary<string, double> _figures = [];

    public override string Name => "grain-memory";

    public override string Description => "GC heap and working set before/after activating --grains tenant grains; then tenant checks over them";

    public override async Task SetupAsync(LoadContext context, CancellationToken cancellationToken)
    {
        _tenants = LoadContext.DeriveTenants(context.Options.Seed ^ SeedOffset, context.Options.MemoryGrains);
        await using (var insert = context.Pipeline.CreateCommand(InsertTenantsSql))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = _tenants.Select(t => t.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var before = Measure();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(_tenants, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (tenant, _) =>
        {
            if (await context.Client.GetTenantStatusAsync(tenant) != TenantStatus.Active)
            {
                throw new InvalidOperationException($"tenant {tenant} is not active");
            }
        });
        var activation = clock.Elapsed;
        var after = Measure();

        _figures.Clear();
        _figures["grains_activated"] = _tenants.Length;
        _figures["activation_seconds"] = activation.TotalSeconds;
        _figures["activations_per_second"] = _tenants.Length / Math.Max(activation.TotalSeconds, 0.001);
        if (context.Options.InProcess)
        {
            _figures["server_gc"] = GCSettings.IsServerGC ? 1 : 0;
            _figures["gc_heap_mb_before"] = before.Heap / 1048576.0;
            _figures["gc_heap_mb_after"] = after.Heap / 1048576.0;
            _figures["gc_heap_bytes_per_grain"] = (after.Heap - before.Heap) / (double)_tenants.Length;
            _figures["working_set_mb_before"] = before.WorkingSet / 1048576.0;
            _figures["working_set_mb_after"] = after.WorkingSet / 1048576.0;
            _figures["working_set_bytes_per_grain"] = (after.WorkingSet - before.WorkingSet) / (double)_tenants.Length;
        }
        else
        {
            Console.Error.WriteLine("grain-memory: not --in-process, so the silo's memory is another process's; memory figures left out");
        }
    }

    public override async Task RunOnceAsync(LoadContext context, Random random, CancellationToken cancellationToken)
    {
        if (await context.Client.GetTenantStatusAsync(_tenants[random.Next(_tenants.Length)]) != TenantStatus.Active)
        {
            throw new InvalidOperationException("expected an active tenant");
        }
    }

    public override Task<IReadOnlyDictionary<string, double>> ExtraFiguresAsync(LoadContext context, long operations, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, double>>(new Dictionary<string, double>(_figures));

    private static (long Heap, long WorkingSet) Measure()
    {
        // Twice: finalizers released by the first collection free more in the second.
        for (var i = 0; i < 2; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: false), process.WorkingSet64);
    }
}
