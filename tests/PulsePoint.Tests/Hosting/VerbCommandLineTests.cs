using PulsePoint.Silo.Cli;

namespace PulsePoint.Tests.Hosting;

/// <summary>
/// The silo executable's command line as a whole: help for the executable and each verb, settings passed through,
/// and bad usage answered with exit code 2 and one line on stderr, before anything is connected to.
/// </summary>
public sealed class VerbCommandLineTests
{
    private static readonly string[] VerbNames = ["run", "migrate", "seed-demo", "usage", "report", "reconcile", "channels", "keys", "prices", "limits", "help"];

    [Fact]
    public async Task Help_lists_every_verb_with_its_description_settings_and_exit_codes()
    {
        var (code, output, error) = await RunAsync("help");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Equal(VerbNames, SiloCommandLine.Verbs().Select(v => v.Name));
        foreach (var verb in SiloCommandLine.Verbs())
        {
            Assert.False(string.IsNullOrWhiteSpace(verb.Description), verb.Name);
            Assert.Contains($"  {verb.Name} ", output);
        }

        Assert.Contains("--Section:Key=Value", output);
        Assert.Contains("0 ok, 1 failed, 2 bad usage or configuration", output);
        Assert.DoesNotContain("additional arguments", output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(output, (await RunAsync("--help")).Output);
        Assert.Equal(output, (await RunAsync("-h")).Output);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("migrate")]
    [InlineData("seed-demo")]
    [InlineData("usage")]
    [InlineData("report")]
    [InlineData("reconcile")]
    public async Task Each_verb_has_help_with_its_options_also_when_the_rest_of_the_line_is_wrong(string verb)
    {
        var (code, output, error) = await RunAsync(verb, "--help", "--from", "not-a-date");
        var (helpCode, helpOutput, _) = await RunAsync("help", verb);

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("Usage:", output);
        Assert.Contains($" {verb} [options]", output);
        Assert.Contains("--Section:Key=Value", output);
        Assert.DoesNotContain("additional arguments", output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, helpCode);
        Assert.Equal(output, helpOutput);
    }

    [Fact]
    public async Task Verb_help_shows_each_option_with_its_value_and_default()
    {
        var (_, output, _) = await RunAsync("reconcile", "--help");

        Assert.Contains("--tenant <ID>", output);
        Assert.Contains("--from <YYYY-MM-DD>", output);
        Assert.Contains("--counters <cluster|skip>", output);
        Assert.Contains("[default: cluster]", output);
        Assert.Contains("--settle <SECONDS>", output);
    }

    [Theory]
    [InlineData("bogus", "unknown verb 'bogus' (see PulsePoint.Silo --help)")]
    [InlineData("--verbose", "unknown option '--verbose' (see PulsePoint.Silo --help)")]
    [InlineData("help nope", "help: no verb 'nope' (see PulsePoint.Silo help --help)")]
    [InlineData("migrate now", "migrate: unexpected argument 'now' (see PulsePoint.Silo migrate --help)")]
    [InlineData("limits set --tenant abc", "limits set: --tenant must be a tenant id (a canonical UUID), not 'abc' (see PulsePoint.Silo limits set --help)")]
    [InlineData("seed-demo --tenants 0", "seed-demo: --tenants takes a whole number from 1 to 100000, not '0' (see PulsePoint.Silo seed-demo --help)")]
    [InlineData("seed-demo --orders many", "seed-demo: --orders takes a whole number from 0 to 100000000, not 'many' (see PulsePoint.Silo seed-demo --help)")]
    [InlineData("seed-demo --until 2026-13-01", "seed-demo: --until must be a date like 2026-11-01, not '2026-13-01' (see PulsePoint.Silo seed-demo --help)")]
    [InlineData("seed-demo --brands", "seed-demo: Required argument missing for option: '--brands' (see PulsePoint.Silo seed-demo --help)")]
    public async Task Bad_usage_exits_2_with_one_line_on_stderr(string arguments, string message)
    {
        var (code, output, error) = await RunAsync(arguments.Split(' '));

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"PulsePoint.Silo: {message}{Environment.NewLine}", error);
    }

    [Fact]
    public async Task Settings_are_passed_to_the_configuration_and_are_no_usage_error()
    {
        // The setting reaches the configuration: migrate reads the owner's connection string from it (empty here).
        var (code, output, error) = await RunAsync("migrate", "--PulsePoint:Database:Owner=", "--Logging:LogLevel:Default=Warning");

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"PulsePoint.Silo: configuration error: PulsePoint:Database:Owner (the owner role's connection string) is required to migrate{Environment.NewLine}", error);
    }

    [Theory]
    [InlineData("--PulsePoint:Silo:WebUrl=http://127.0.0.1:9090", true)]
    [InlineData("--Logging:LogLevel:Default=Warning", true)]
    [InlineData("--PulsePoint:Demo:Enabled=", true)]
    [InlineData("--tenant", false)]
    [InlineData("--tenant=x", false)]
    [InlineData("PulsePoint:Silo:WebUrl=x", false)]
    [InlineData("--PulsePoint:Silo:WebUrl", false)]
    public void A_setting_is_a_double_dash_configuration_key_with_a_colon_and_a_value(string token, bool isSetting) =>
        Assert.Equal(isSetting, VerbConfiguration.IsSetting(token));

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await SiloCommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
