using System.CommandLine;
using Microsoft.Extensions.Options;
using PulsePoint.Silo.Hosting;

namespace PulsePoint.Silo.Cli;

/// <summary><c>run</c> (the default verb): hosts a silo with its dashboard, health endpoints and <c>/insights</c> until stopped.</summary>
public static class RunVerb
{
    public static Command Create()
    {
        var command = new Command("run", "host a silo (grains, /dashboard, /healthz, /readyz, /insights) until Ctrl+C or SIGTERM");
        command.SetAction((result, _) => RunAsync(VerbConfiguration.Settings(result), result.InvocationConfiguration.Output));
        return command;
    }

    private static async Task<int> RunAsync(string[] settings, TextWriter output)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = settings,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.AddPulsePointSilo();
        var app = builder.Build();
        app.MapPulsePointEndpoints();
        await app.StartAsync();
        var silo = app.Services.GetRequiredService<IOptions<SiloOptions>>();
        await output.WriteLineAsync($"PulsePoint silo up: dashboard {silo.Value.WebUrl.TrimEnd('/')}/dashboard, health /healthz, readiness /readyz, insights /insights (Ctrl+C stops)");
        // The host stops on Ctrl+C or SIGTERM itself, within PulsePoint:Silo:ShutdownTimeout.
        await app.WaitForShutdownAsync();
        return 0;
    }
}
