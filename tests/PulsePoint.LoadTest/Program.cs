using PulsePoint.LoadTest;
using PulsePoint.LoadTest.Analytics;
using PulsePoint.LoadTest.Faults;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
return args.FirstOrDefault() switch
{
    "faults" => await FaultCommandLine.RunAsync(args[1..], Console.Out, cancel.Token),
    "bench-analytics" => await AnalyticsBench.RunAsync(args[1..], Console.Out),
    _ => await LoadTestCommandLine.RunAsync(args, Console.Out, cancel.Token),
};
