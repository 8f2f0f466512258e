using System.CommandLine;
using System.CommandLine.Help;
using Microsoft.Extensions.Options;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// The silo executable's command line. Each verb is a <see cref="Command"/> built by its own file in this folder
/// (<c>XxxVerb.Create()</c>: name, description, options, action). Adding a verb is that file plus one line in
/// <see cref="Verbs"/>; parsing, help, settings (<c>--Section:Key=Value</c>), error lines and exit codes are handled
/// here, the same for every verb.
/// </summary>
public static class SiloCommandLine
{
    /// <summary>The executable's name, as help and error lines show it.</summary>
    public const string Name = "PulsePoint.Silo";

    /// <summary>The verb that runs when none is given.</summary>
    public const string DefaultVerb = "run";

    /// <summary>Every verb, in the order help lists them.</summary>
    public static IReadOnlyList<Command> Verbs() =>
    [
        RunVerb.Create(),
        MigrateVerb.Create(),
        SeedDemoVerb.Create(),
        UsageVerb.Create(),
        ReportVerb.Create(),
        ReconcileVerb.Create(),
        ChannelsVerb.Create(),
        KeysCommand.Create(),
        PricesCommand.Create(),
        LimitsCommand.Create(),
        HelpVerb.Create(),
    ];

    /// <summary>Runs the verb <paramref name="args"/> name on the console; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>Runs a verb with its output and error lines going to the given writers.</summary>
    /// <param name="args">The command line: a verb (default <see cref="DefaultVerb"/>), its options and settings.</param>
    /// <param name="output">Where the verb's output and help go.</param>
    /// <param name="error">Where the one line of an error goes.</param>
    /// <param name="verbs">The verbs offered; null: <see cref="Verbs"/> (tests give a verb its collaborators).</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, IReadOnlyList<Command>? verbs = null)
    {
        var root = CreateRoot(verbs ?? Verbs());
        var result = root.Parse(args);
        var verb = VerbPath(result);
        try
        {
            if (result.Action is not { ClearsParseErrors: true } && Problem(result) is { } problem)
            {
                throw new VerbUsageException(problem);
            }

            return await result.InvokeAsync(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                // Exceptions become exit codes below; signals are left to the verbs (the silo host stops gracefully on SIGTERM).
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            });
        }
        catch (VerbUsageException e)
        {
            return Fail(error, 2, verb is null ? $"{e.Message} (see {Name} --help)" : $"{verb}: {e.Message} (see {Name} {verb} --help)");
        }
        catch (ConfigurationErrorException e)
        {
            return Fail(error, 2, "configuration error: " + e.Message);
        }
        catch (OptionsValidationException e)
        {
            return Fail(error, 2, "configuration error: " + string.Join("; ", e.Failures));
        }
        catch (UnsafeDatabaseRoleException e)
        {
            return Fail(error, 3, "refusing to start: " + e.Message);
        }
        catch (MigrationFailedException e)
        {
            return Fail(error, 1, e.Message);
        }
        catch (Npgsql.NpgsqlException e)
        {
            return Fail(error, 1, "PostgreSQL: " + e.Message);
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("PULSEPOINT_STACK_TRACES") != "1")
        {
            return Fail(error, 1, $"{e.GetType().Name}: {e.Message} (set PULSEPOINT_STACK_TRACES=1 for the stack trace)");
        }
    }

    /// <summary>The verb the line names with its sub-verbs (<c>prices override set</c>), or null for none.</summary>
    private static string? VerbPath(ParseResult result)
    {
        var names = new List<string>();
        for (var command = result.CommandResult; command.Command is not RootCommand; command = (System.CommandLine.Parsing.CommandResult)command.Parent!)
        {
            names.Insert(0, command.Command.Name);
        }

        return names.Count == 0 ? null : string.Join(' ', names);
    }

    private static RootCommand CreateRoot(IReadOnlyList<Command> verbs)
    {
        var root = new RootCommand(
            "PulsePoint silo: hosts a silo of the cluster (the default verb, run), or runs one of the verbs below and exits.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            help.Action = new VerbHelpAction();
        }

        foreach (var verb in verbs)
        {
            // Settings are unmatched tokens; Problem() refuses every other one.
            verb.TreatUnmatchedTokensAsErrors = false;
            root.Subcommands.Add(verb);
        }

        root.Action = verbs.FirstOrDefault(v => v.Name == DefaultVerb)?.Action ?? new VerbHelpAction();
        return root;
    }

    /// <summary>The first thing wrong with the command line, as one line; null when it parsed.</summary>
    private static string? Problem(ParseResult result)
    {
        if (result.Errors.Count > 0)
        {
            return string.Join("; ", result.Errors.Select(e => e.Message.TrimEnd('.')));
        }

        return result.UnmatchedTokens.FirstOrDefault(token => !VerbConfiguration.IsSetting(token)) switch
        {
            null => null,
            var option when option.StartsWith('-') => $"unknown option '{VerbOptions.Shorten(option)}'",
            var word when result.CommandResult.Command is RootCommand => $"unknown verb '{VerbOptions.Shorten(word)}'",
            var word => $"unexpected argument '{VerbOptions.Shorten(word)}'",
        };
    }

    private static int Fail(TextWriter error, int code, string message)
    {
        error.WriteLine($"{Name}: {message.ReplaceLineEndings(" ")}");
        return code;
    }
}
