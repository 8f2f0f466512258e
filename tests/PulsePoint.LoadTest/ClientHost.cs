using PulsePoint.Operators;

namespace PulsePoint.LoadTest;

/// <summary>The host builder of the driver's Orleans client (load runs and the fault suite).</summary>
public static class ClientHost
{
    /// <summary>
    /// Configuration from the environment only, console logging: the default builder would also watch
    /// appsettings files from the working directory down, which is the repository with PostgreSQL's data
    /// folder under .local, and the watcher would wake up at every database write.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddEnvironmentVariables();
        builder.Logging.AddConsole();
        return builder;
    }

    /// <summary>
    /// The driver creates and (de)activates its tenants, operator operations: its client signs them with the cluster's
    /// operator key, read with the pipeline role (<c>PulsePoint__Database__Pipeline</c>, which the driver needs anyway).
    /// </summary>
    public static void AddOperatorCalls(HostApplicationBuilder builder)
    {
        var pipeline = builder.Configuration["PulsePoint:Database:Pipeline"]
            ?? throw new InvalidOperationException("set PulsePoint__Database__Pipeline (eval \"$(deploy/postgres.sh env)\")");
        builder.UseOrleansClient(client => client.AddPulsePointOperatorCalls(pipeline));
    }
}
