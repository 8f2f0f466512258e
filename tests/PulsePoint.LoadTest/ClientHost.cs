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
}
