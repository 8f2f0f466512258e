using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace PulsePoint.Silo.Cli;

/// <summary>
/// <c>--help</c> (and the <c>help</c> verb) for the executable and every verb: System.CommandLine's generated
/// description, usage, options and verbs, then where settings go and, for the executable, the exit codes.
/// </summary>
public sealed class VerbHelpAction : SynchronousCommandLineAction
{
    private readonly HelpAction _generated = new() { MaxWidth = 110 };

    /// <summary>Help is shown even when the rest of the line does not parse.</summary>
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        var output = parseResult.InvocationConfiguration.Output;

        // Settings are the only unmatched arguments a verb admits; they are described below rather than as
        // "additional arguments passed to the application".
        var unmatched = command.TreatUnmatchedTokensAsErrors;
        command.TreatUnmatchedTokensAsErrors = true;
        try
        {
            _generated.Invoke(parseResult);
        }
        finally
        {
            command.TreatUnmatchedTokensAsErrors = unmatched;
        }

        output.WriteLine("Settings:");
        output.WriteLine("  --Section:Key=Value  any configuration key, e.g. --PulsePoint:Database:Application=\"Host=...\", read after");
        output.WriteLine("                       appsettings.json and environment variables (PulsePoint__Database__Application=...)");
        output.WriteLine();
        if (command is RootCommand)
        {
            output.WriteLine("Exit codes:");
            output.WriteLine("  0 ok, 1 failed, 2 bad usage or configuration (one line on stderr), 3 unsafe database role;");
            output.WriteLine("  reconcile: 0 the sources agree, 1 drift, 2 bad usage");
            output.WriteLine();
        }

        return 0;
    }
}
