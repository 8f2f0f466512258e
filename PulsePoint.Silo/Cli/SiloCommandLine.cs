using Microsoft.Extensions.Options;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;

namespace PulsePoint.Silo.Cli;

/// <summary>The verbs of the silo executable. Errors are one line on stderr and a non-zero exit code.</summary>
public static class SiloCommandLine
{
    public static readonly string Usage = $"""
        PulsePoint silo

        usage: PulsePoint.Silo [verb] [--Key=Value ...]

        verbs:
          run        host a silo with its dashboard (/dashboard), /healthz and /readyz (default verb)
          migrate    apply the database migrations in deploy/sql as the owner role, then exit
        {SeedDemoCommand.Usage}
          {UsageVerb.UsageLine}
          bench-analytics [--events N] [--tenants N] [--days N] [--runs N] [--cluster true|false] [--path FILE]   time the analytics queries on synthetic data
          report     --tenant ID --from YYYY-MM-DD --to YYYY-MM-DD --report usage|accuracy|latency|cost|errors|all [--format table|json|csv]
        {KeysCommand.Usage}
          help       show this text

        Configuration comes from appsettings.json, environment variables (PulsePoint__Database__Application=...)
        and --PulsePoint:Section:Key=Value arguments. See README.md, "Configuration".

        exit codes: 0 ok, 1 failed, 2 bad usage or configuration, 3 unsafe database role
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "run";
        var rest = verb == "run" && (args.Length == 0 || args[0].StartsWith('-')) ? args : args[1..];
        try
        {
            return verb switch
            {
                "run" => await RunSiloAsync(rest),
                "migrate" => Migrate(rest),
                "seed-demo" => await SeedDemoCommand.RunAsync(rest),
                "usage" => await UsageVerb.RunAsync(rest, Console.Out),
                "report" => await ReportVerb.RunAsync(rest, Console.Out),
                "bench-analytics" => await BenchAnalyticsVerb.RunAsync(rest, Console.Out),
                "keys" => await KeysCommand.RunAsync(rest, Console.Out, Console.Error),
                "help" or "--help" or "-h" => Help(),
                _ => Fail(2, $"unknown verb '{verb}'; try `PulsePoint.Silo help`"),
            };
        }
        catch (ConfigurationErrorException e)
        {
            return Fail(2, "configuration error: " + e.Message);
        }
        catch (OptionsValidationException e)
        {
            return Fail(2, "configuration error: " + string.Join("; ", e.Failures));
        }
        catch (UnsafeDatabaseRoleException e)
        {
            return Fail(3, "refusing to start: " + e.Message);
        }
        catch (MigrationFailedException e)
        {
            return Fail(1, e.Message);
        }
        catch (Npgsql.NpgsqlException e)
        {
            return Fail(1, "PostgreSQL: " + e.Message);
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("PULSEPOINT_STACK_TRACES") != "1")
        {
            return Fail(1, $"{e.GetType().Name}: {e.Message} (set PULSEPOINT_STACK_TRACES=1 for the stack trace)");
        }
    }

    private static async Task<int> RunSiloAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.AddPulsePointSilo();
        var app = builder.Build();
        app.MapPulsePointEndpoints();
        await app.StartAsync();
        var silo = app.Services.GetRequiredService<IOptions<SiloOptions>>();
        Console.WriteLine($"PulsePoint silo up: dashboard {silo.Value.WebUrl.TrimEnd('/')}/dashboard, health /healthz, readiness /readyz (Ctrl+C stops)");
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static int Migrate(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        var owner = configuration[$"{DatabaseOptions.Section}:Owner"];
        if (string.IsNullOrWhiteSpace(owner))
        {
            throw new ConfigurationErrorException("PulsePoint:Database:Owner (the owner role's connection string) is required to migrate");
        }

        var applied = SchemaMigrator.Migrate(owner);
        Console.WriteLine(applied.Count == 0
            ? $"schema up to date ({SchemaMigrator.ExpectedScripts.Count} migrations)"
            : $"applied {applied.Count} migration(s): {string.Join(", ", applied)}");
        return 0;
    }

    private static int Help()
    {
        Console.WriteLine(Usage);
        return 0;
    }

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"PulsePoint.Silo: {message}");
        return code;
    }
}
