using Microsoft.Extensions.Diagnostics.HealthChecks;
using PulsePoint.Storage;

namespace PulsePoint.Silo.Hosting;

/// <summary>Ready when PostgreSQL answers as the application role and every migration this build carries is applied.</summary>
internal sealed class DatabaseReadyCheck(DataSources dataSources) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var pending = await SchemaMigrator.PendingAsync(dataSources.Application, cancellationToken);
            var data = new Dictionary<string, object>
            {
                ["expectedMigrations"] = SchemaMigrator.ExpectedScripts.Count,
                ["pendingMigrations"] = pending.Count,
            };
            return pending.Count == 0
                ? HealthCheckResult.Healthy("PostgreSQL reachable; schema up to date", data)
                : HealthCheckResult.Unhealthy($"schema behind: {string.Join(", ", pending)} pending", data: data);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL unreachable: " + e.Message);
        }
    }
}
