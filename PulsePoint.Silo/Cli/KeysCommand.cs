using PulsePoint.Silo.Hosting;

namespace PulsePoint.Silo.Cli;

/// <summary><c>keys create|list|revoke</c>: API keys for the HTTP API (docs/http-api.md).</summary>
public static class KeysCommand
{
    public const string Usage = """
          keys create --tenant ID --scopes ingest,read,admin [--expires DATE] [--name TEXT]   a tenant's key; prints it once (stdout)
          keys create --operator [--expires DATE] [--name TEXT]   an operator's key (needs PulsePoint:Database:Owner)
          keys list   --tenant ID | --operator                   the keys, without secrets
          keys revoke --tenant ID --key ID | --operator --key ID  revoke through the running cluster (PulsePoint:Client)
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors) =>
        args.Length == 0 ? throw new ConfigurationErrorException("keys needs create, list or revoke")
        : args[0] switch
        {
            "create" => await KeysCreateVerb.RunAsync(KeysArguments.Parse(args[1..]), output, errors),
            "list" => await KeysListVerb.RunAsync(KeysArguments.Parse(args[1..]), output),
            "revoke" => await KeysRevokeVerb.RunAsync(KeysArguments.Parse(args[1..]), output, errors),
            _ => throw new ConfigurationErrorException($"unknown keys verb '{args[0]}'; use create, list or revoke"),
        };
}
