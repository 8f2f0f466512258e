using PulsePoint.SampleService;

// Connects to the cluster described by PulsePoint:Client (default: a local silo, gateway 30000).
var app = SampleServiceApp.Build(args);
await app.RunAsync();
