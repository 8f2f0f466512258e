using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace PulsePoint.Operators;

/// <summary>Lets an operator tool's Orleans client (the silo's command-line verbs, the load driver) make operator calls.</summary>
public static class OperatorClientBuilderExtensions
{
    /// <summary>
    /// Signs the client's calls to operator interfaces with the cluster's operator call key, read from PostgreSQL with
    /// <paramref name="pipelineConnectionString"/> (the pipeline role's, <c>PulsePoint:Database:Pipeline</c>): only a
    /// holder of that role can act as an operator through a gateway.
    /// </summary>
    public static IClientBuilder AddPulsePointOperatorCalls(this IClientBuilder client, string pipelineConnectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pipelineConnectionString);
        // Keyed, so the container disposes the data source and no one else's NpgsqlDataSource is taken for it.
        client.Services.AddKeyedSingleton(nameof(OperatorCallKey), (_, _) => NpgsqlDataSource.Create(pipelineConnectionString));
        client.Services.AddSingleton(sp => new OperatorCallKey(() => sp.GetRequiredKeyedService<NpgsqlDataSource>(nameof(OperatorCallKey))));
        client.Services.TryAddSingleton(TimeProvider.System);
        client.AddOutgoingGrainCallFilter<OperatorCallSigner>();
        return client;
    }
}
