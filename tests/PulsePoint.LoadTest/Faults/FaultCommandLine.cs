namespace PulsePoint.LoadTest.Faults;

/// <summary>The <c>faults</c> verb: parse, run the suite, print the report; exit 1 when any check failed.</summary>
public static class FaultCommandLine
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        FaultOptions options;
        try
        {
            if (args.Contains("--help") || args.Contains("-h"))
            {
                output.WriteLine(FaultOptions.Usage);
                return 0;
            }

            options = FaultOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"PulsePoint.LoadTest faults: {e.Message}; see faults --help");
            return 2;
        }

        var root = Environment.GetEnvironmentVariable("PULSEPOINT_ROOT") ?? FindRoot(Directory.GetCurrentDirectory());
        if (root is null)
        {
            Console.Error.WriteLine("PulsePoint.LoadTest faults: run it from the repository (or set PULSEPOINT_ROOT); deploy/faults.sh does");
            return 2;
        }

        List<FaultScenarioResult> results;
        try
        {
            results = await new FaultSuite(options, new DeployScripts(root)).RunAsync(cancellationToken);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"PulsePoint.LoadTest faults: the suite could not run: {e.GetType().Name}: {e.Message}");
            return 1;
        }

        output.WriteLine($"\nPulsePoint fault suite: {options.Silos} silos, {options.Concurrency} append workers × {options.BatchSize} events, {options.CheckConcurrency} tenant-check workers, {options.Tenants} tenants, {Environment.ProcessorCount} cores");
        FaultReport.WriteTable(output, results);
        if (options.MarkdownPath is { } path)
        {
            await File.WriteAllTextAsync(path, FaultReport.Markdown(results), cancellationToken);
            output.WriteLine($"Markdown report written to {path}");
        }

        var failed = results.Count(r => !r.Passed);
        output.WriteLine(failed == 0 ? $"fault suite: {results.Count} scenarios passed" : $"fault suite: {failed} of {results.Count} scenarios FAILED");
        return failed == 0 ? 0 : 1;
    }

    private static string? FindRoot(string from)
    {
        for (var dir = new DirectoryInfo(from); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PulsePoint.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
