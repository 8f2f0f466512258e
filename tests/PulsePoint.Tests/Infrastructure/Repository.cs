using System.Diagnostics;

namespace PulsePoint.Tests.Infrastructure;

/// <summary>The repository the tests run from: its root, and its shell scripts run as a user would.</summary>
public static class Repository
{
    /// <summary>The folder holding PulsePoint.sln, above the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// Runs <c>bash deploy/tests/<paramref name="script"/></c> with <paramref name="environment"/> added, and
    /// fails the test unless it exits 0 within <paramref name="timeout"/> and prints "<paramref name="script"/>: passed".
    /// Its output is in the failure message.
    /// </summary>
    public static async Task RunTestScriptAsync(string script, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(Root, "deploy", "tests", script)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var cancel = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{script} did not finish in {timeout}:\n{await stdout}{await stderr}");
            }
        }

        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"{script} exited {process.ExitCode}:\n{output}");
        Assert.Contains($"{script}: passed", output, StringComparison.Ordinal);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PulsePoint.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PulsePoint.sln not found above " + AppContext.BaseDirectory);
    }
}
