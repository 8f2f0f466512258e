using PulsePoint.Silo.Cli;

return await SiloCommandLine.RunAsync(args);
