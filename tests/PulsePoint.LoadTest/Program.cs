using PulsePoint.LoadTest;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
return await LoadTestCommandLine.RunAsync(args, Console.Out, cancel.Token);
