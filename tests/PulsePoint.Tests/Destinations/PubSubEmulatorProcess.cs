using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PulsePoint.Tests.Destinations;

/// <summary>
/// A private Pub/Sub emulator this test starts, kills and restarts on its own free loopback port, so an
/// outage test never disturbs the emulator other tests share (the one deploy/test.sh starts).
/// </summary>
public sealed class PubSubEmulatorProcess : IAsyncDisposable
{
    public const string DefaultLauncher = "/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator";

    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);

    private Process? _process;

    private PubSubEmulatorProcess(int port) => Port = port;

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    public static string Launcher => Environment.GetEnvironmentVariable("PULSEPOINT_PUBSUB_EMULATOR") ?? DefaultLauncher;

    public static async Task<PubSubEmulatorProcess> StartOnFreePortAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var emulator = new PubSubEmulatorProcess(port);
        await emulator.StartAsync();
        return emulator;
    }

    public async Task StartAsync()
    {
        if (!File.Exists(Launcher))
        {
            throw new InvalidOperationException(
                $"The Google Pub/Sub emulator is not installed at {Launcher}; the Pub/Sub tests need it " +
                "(apt-get install google-cloud-cli-pubsub-emulator, or set PULSEPOINT_PUBSUB_EMULATOR to its launcher).");
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = new Process
        {
            StartInfo = new ProcessStartInfo(Launcher, ["--host=127.0.0.1", $"--port={Port}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
            EnableRaisingEvents = true,
        };
        DataReceivedEventHandler onLine = (_, line) =>
        {
            if (line.Data is null) return;
            output.Enqueue(line.Data);
            if (line.Data.Contains("Server started", StringComparison.Ordinal)) ready.TrySetResult();
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException(
            $"The Pub/Sub emulator exited before it was ready:{Environment.NewLine}{string.Join(Environment.NewLine, output.TakeLast(20))}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        try
        {
            await ready.Task.WaitAsync(StartLimit);
        }
        catch (TimeoutException)
        {
            await StopAsync();
            throw new InvalidOperationException($"The Pub/Sub emulator did not print 'Server started' within {StartLimit.TotalSeconds} s on port {Port}.");
        }
    }

    /// <summary>Kills the emulator (launcher and JVM) the hard way, as an outage would.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
