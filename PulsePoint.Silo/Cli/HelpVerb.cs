using System.CommandLine;

namespace PulsePoint.Silo.Cli;

/// <summary><c>help [VERB]</c>: the executable's help, or one verb's (the same as <c>--help</c>).</summary>
public static class HelpVerb
{
    public static Command Create()
    {
        var verb = new Argument<string?>("verb") { Description = "the verb to explain", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("help", "show this help, or a verb's (help VERB, the same as VERB --help)") { verb };
        command.SetAction((result, cancellationToken) =>
        {
            var root = result.RootCommandResult.Command;
            var name = result.GetValue(verb);
            if (name is not null && root.Subcommands.All(c => c.Name != name))
            {
                throw new VerbUsageException($"no verb '{VerbOptions.Shorten(name)}'");
            }

            return root.Parse(name is null ? ["--help"] : [name, "--help"]).InvokeAsync(result.InvocationConfiguration, cancellationToken);
        });
        return command;
    }
}
