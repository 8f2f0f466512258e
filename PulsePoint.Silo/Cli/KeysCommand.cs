using System.CommandLine;

namespace PulsePoint.Silo.Cli;

/// <summary><c>keys create|list|revoke</c>: API keys for the HTTP API (docs/http-api.md).</summary>
public static class KeysCommand
{
    public static Command Create()
    {
        var command = new Command("keys", "API keys of the HTTP API: a tenant's (--tenant ID) or the operator's (--operator); see docs/http-api.md");
        command.Subcommands.Add(Verb("create", "a new key, printed this once (a tenant's needs --scopes; an operator's needs PulsePoint:Database:Owner)",
            (arguments, output, error) => KeysCreateVerb.RunAsync(arguments, output, error), scopes: true, expires: true, withName: true));
        command.Subcommands.Add(Verb("list", "the keys, without secrets",
            (arguments, output, _) => KeysListVerb.RunAsync(arguments, output)));
        command.Subcommands.Add(Verb("revoke", "revokes a key through the running cluster (PulsePoint:Client), at once on every silo",
            (arguments, output, error) => KeysRevokeVerb.RunAsync(arguments, output, error), key: true));
        return command;
    }

    /// <summary>Runs a keys verb from its arguments as a list (tests and scripts): the same as <c>PulsePoint.Silo keys ...</c>.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) =>
        SiloCommandLine.RunAsync(["keys", .. args], output, error);

    /// <summary>One keys verb: --tenant or --operator, the options it takes, and its run.</summary>
    private static Command Verb(
        string verb, string description, Func<KeysArguments, TextWriter, TextWriter, Task<int>> run,
        bool scopes = false, bool expires = false, bool withName = false, bool key = false)
    {
        var tenant = new Option<string?>("--tenant") { Description = "the tenant whose keys these are", HelpName = "ID" };
        var isOperator = new Option<bool>("--operator") { Description = "operator keys, for operator pages and admin endpoints" };
        var command = new Command(verb, description) { tenant, isOperator };
        var scopesOption = Add(command, scopes, new Option<string?>("--scopes") { Description = "what the key may do: ingest, read, admin (comma-separated)", HelpName = "ingest,read,admin" });
        var expiresOption = Add(command, expires, new Option<string?>("--expires") { Description = "when the key stops working (UTC date, or an RFC 3339 time)", HelpName = "YYYY-MM-DD" });
        var nameOption = Add(command, withName, new Option<string?>("--name") { Description = "a name to tell the key by" });
        var keyOption = Add(command, key, new Option<string?>("--key") { Description = "the key's public id (the part after pp_live_ or pp_oper_)", HelpName = "ID" });
        command.SetAction((result, _) => run(
            KeysArguments.Of(
                result.GetValue(tenant), result.GetValue(isOperator), Value(result, scopesOption), Value(result, expiresOption),
                Value(result, nameOption), Value(result, keyOption), VerbConfiguration.Settings(result)),
            result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
        return command;
    }

    private static Option<string?>? Add(Command command, bool wanted, Option<string?> option)
    {
        if (!wanted)
        {
            return null;
        }

        command.Options.Add(option);
        return option;
    }

    private static string? Value(ParseResult result, Option<string?>? option) => option is null ? null : result.GetValue(option);
}
