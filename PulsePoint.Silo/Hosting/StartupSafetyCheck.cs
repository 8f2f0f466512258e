using PulsePoint.Storage;

namespace PulsePoint.Silo.Hosting;

/// <summary>
/// Runs before the silo starts (registered ahead of Orleans): refuses to start when the application
/// role could bypass row-level security, or when the schema is behind the code.
/// </summary>
internal sealed class StartupSafetyCheck(DataSources dataSources) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ApplicationRoleCheck.VerifyAsync(dataSources.Application, cancellationToken);
        var pending = await SchemaMigrator.PendingAsync(dataSources.Application, cancellationToken);
        if (pending.Count > 0)
        {
            throw new ConfigurationErrorException(
                $"the database schema is behind this build ({pending.Count} migration(s) pending, first {pending[0]}); run `PulsePoint.Silo migrate` first");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
