using PulsePoint.LoadTest;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
return args.FirstOrDefault() == "faults"
    ? await PulsePoint.LoadTest.Faults.FaultCommandLine.RunAsync(args[1..], Console.Out, cancel.Token)
    : await LoadTestCommandLine.RunAsync(args, Console.Out, cancel.Token);
