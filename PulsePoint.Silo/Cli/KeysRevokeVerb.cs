using Microsoft.Extensions.Options;
using PulsePoint.ApiKeys;
using PulsePoint.Operators;
using PulsePoint.Client;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// <c>keys revoke</c>: revokes through the running cluster (an Orleans client configured by <c>PulsePoint:Client</c>,
/// as a backend service connects), so the key's grain refuses it on the next request, cluster-wide. When no cluster can
/// be reached the key is revoked in PostgreSQL alone, and the verb says that silos running elsewhere refuse it within
/// <c>PulsePoint:ApiKeys:RefreshPeriod</c>.
/// </summary>
public static class KeysRevokeVerb
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(KeysArguments args, TextWriter output, TextWriter errors)
    {
        var kind = args.Operator ? ApiKeyKind.Operator : ApiKeyKind.Tenant;
        if (!ApiKeyId.TryParse(args.Key, kind, out var id) || id.Kind != kind)
        {
            throw new ConfigurationErrorException($"keys revoke needs --key with a {(args.Operator ? "operator" : "tenant")} key id such as {ApiKeyId.PrefixOf(kind)}k7f3x9abq2mz");
        }

        var configuration = args.Configuration();
        bool? revoked = null;
        try
        {
            revoked = await RevokeThroughClusterAsync(configuration, id, args);
        }
        catch (Exception e) when (e is not ConfigurationErrorException)
        {
            await errors.WriteLineAsync($"the cluster could not be reached ({e.GetType().Name}); revoking in PostgreSQL alone: " +
                "silos running now refuse the key within PulsePoint:ApiKeys:RefreshPeriod");
        }

        if (revoked is null)
        {
            var database = ValidatedOptions.Bind<DatabaseOptions>(configuration, DatabaseOptions.Section);
            await using var sources = new DataSources(Options.Create(database));
            var store = new ApiKeyStore(sources, VerbConfiguration.TenantDatabase(sources.Application, database), TimeProvider.System);
            revoked = await store.RevokeAsync(id, args.Tenant);
        }

        if (revoked != true)
        {
            await errors.WriteLineAsync($"PulsePoint.Silo: no key {id}{(args.Operator ? "" : " for this tenant")}");
            return 1;
        }

        await output.WriteLineAsync($"revoked {id}");
        return 0;
    }

    private static async Task<bool> RevokeThroughClusterAsync(IConfiguration configuration, ApiKeyId id, KeysArguments args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.ClearProviders();
        builder.AddPulsePointClient(o => o.EventStreams = false);
        // Revoking goes through the key's grain, an operator interface: the verb signs with the cluster's operator key.
        var pipeline = ValidatedOptions.Bind<DatabaseOptions>(configuration, DatabaseOptions.Section).Pipeline
            ?? throw new ConfigurationErrorException("keys revoke needs PulsePoint:Database:Pipeline to act as an operator on the running cluster");
        builder.UseOrleansClient(client => client.AddPulsePointOperatorCalls(pipeline));
        using var host = builder.Build();
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        await host.StartAsync(timeout.Token);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            // A tenant's key is revoked from inside its tenant's scope (the grain checks it).
            using (args.Tenant is { } tenant ? TenantScope.Begin(tenant) : null)
            {
                return await grains.GetGrain<IApiKeyGrain>(id.ToString()).RevokeAsync();
            }
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
