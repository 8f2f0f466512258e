using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using PulsePoint.Client;
using PulsePoint.Silo.Hosting;
using PulsePoint.Storage;
using PulsePoint.Tests.Infrastructure;

namespace PulsePoint.Tests.Deployment;

/// <summary>
/// Keeps deploy/configuration.md and the deployment artifacts honest: every option an options class
/// binds is documented with its environment variable and its real default, and every
/// <c>PulsePoint__…</c> variable the manifests, units and compose file set is read by some option
/// (a misspelt variable would otherwise be ignored silently and the default used).
/// </summary>
public sealed partial class ConfigurationReferenceTests
{
    private static readonly Assembly[] OptionAssemblies =
    [
        typeof(SiloOptions).Assembly,
        typeof(DatabaseOptions).Assembly,
        typeof(PulsePointClientOptions).Assembly,
    ];

    [Fact]
    public void Every_option_is_in_the_configuration_reference_with_its_environment_variable_and_default()
    {
        var reference = File.ReadAllLines(Path.Combine(Repository.Root, "deploy", "configuration.md"));
        var options = Options().ToList();
        Assert.True(options.Count >= 15, $"expected the options of at least five sections, found {options.Count}");

        var problems = new List<string>();
        foreach (var (key, environmentVariable, defaultValue) in options)
        {
            var row = reference.FirstOrDefault(line => line.StartsWith($"| `{key}` |", StringComparison.Ordinal));
            if (row is null)
            {
                problems.Add($"{key}: no row in deploy/configuration.md");
                continue;
            }

            var cells = row.Split('|').Select(c => c.Trim()).ToArray();
            if (cells[2] != $"`{environmentVariable}`")
            {
                problems.Add($"{key}: environment variable column is {cells[2]}, expected `{environmentVariable}`");
            }

            var expectedDefault = defaultValue is null ? "—" : $"`{defaultValue}`";
            if (!cells[3].StartsWith(expectedDefault, StringComparison.Ordinal))
            {
                problems.Add($"{key}: default column is {cells[3]}, the code's default is {expectedDefault}");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_PulsePoint_variable_in_the_deployment_artifacts_is_read_by_an_option()
    {
        var known = Options().Select(o => o.EnvironmentVariable).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var root = Repository.Root;
        var artifacts = new[] { "kubernetes", "compose", "systemd", "docker" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, "deploy", folder), "*", SearchOption.AllDirectories))
            .ToList();
        Assert.NotEmpty(artifacts);

        var seen = 0;
        var unknown = new List<string>();
        foreach (var file in artifacts)
        {
            foreach (Match match in EnvironmentVariablePattern().Matches(File.ReadAllText(file)))
            {
                seen++;
                if (!known.Contains(match.Value))
                {
                    unknown.Add($"{Path.GetRelativePath(root, file)}: {match.Value}");
                }
            }
        }

        Assert.True(seen > 20, $"expected the artifacts to set many PulsePoint__ variables, found {seen}");
        Assert.True(unknown.Count == 0, "no option reads: " + string.Join(", ", unknown.Distinct()));
    }

    private static IEnumerable<(string Key, string EnvironmentVariable, string? Default)> Options()
    {
        foreach (var type in OptionAssemblies.SelectMany(a => a.GetExportedTypes()))
        {
            var section = type.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string;
            if (section is null || !section.StartsWith("PulsePoint:", StringComparison.Ordinal))
            {
                continue;
            }

            var instance = Activator.CreateInstance(type);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true))
            {
                var key = $"{section}:{property.Name}";
                yield return (key, key.Replace(":", "__", StringComparison.Ordinal), Render(property.GetValue(instance)));
            }
        }
    }

    private static string? Render(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };


    [GeneratedRegex(@"\bPulsePoint__[A-Za-z0-9]+__[A-Za-z0-9]+\b")]
    private static partial Regex EnvironmentVariablePattern();
}
