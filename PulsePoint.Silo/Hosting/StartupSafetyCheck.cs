using Npgsql;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Hosting;

/// <summary>
/// Runs before the silo starts (registered ahead of Orleans): refuses to start when the application role could bypass
/// row-level security, when the schema is behind the code, or when the database does not accept this silo's tenant
/// context key (not registered, or the clocks disagree).
/// </summary>
internal sealed class StartupSafetyCheck(DataSources dataSources, TenantDatabase tenants) : IHostedService
{
    // A tenant id no tenant has: the check proves the key, it reads nothing.
    private static readonly TenantId Probe = TenantId.Parse("00000000-0000-4000-8000-000000000000");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ApplicationRoleCheck.VerifyAsync(dataSources.Application, cancellationToken);
        var pending = await SchemaMigrator.PendingAsync(dataSources.Application, cancellationToken);
        if (pending.Count > 0)
        {
            throw new ConfigurationErrorException(
                $"the database schema is behind this build ({pending.Count} migration(s) pending, first {pending[0]}); run `PulsePoint.Silo migrate` first");
        }

        try
        {
            await tenants.ReadAsync(Probe, "select $1::uuid", bind: null, (_, _) => Task.FromResult(true), cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == "PP002")
        {
            throw new ConfigurationErrorException($"the database refuses this silo's tenant context: {e.MessageText}. {e.Hint}".TrimEnd());
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
