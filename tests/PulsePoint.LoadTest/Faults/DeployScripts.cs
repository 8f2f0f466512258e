using System.Diagnostics;

namespace PulsePoint.LoadTest.Faults;

/// <summary>
/// Runs the repository's deploy scripts (cluster.sh, postgres.sh, pubsub-emulator.sh) as the fault
/// actions, so the suite injects faults exactly the way an operator would. Their output goes to stderr,
/// indented; a script that fails throws with its exit code.
/// </summary>
public sealed class DeployScripts(string root)
{
    public string Root { get; } = root;

    public async Task RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(Root, "deploy", script))
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start deploy/{script}");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("    " + e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("    " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"deploy/{script} {string.Join(' ', args)} exited with {process.ExitCode}");
        }
    }

    /// <summary>The silo indexes cluster.sh reports running, from its status output.</summary>
    public async Task<string> StatusAsync()
    {
        var start = new ProcessStartInfo(Path.Combine(Root, "deploy", "cluster.sh"), "status")
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
