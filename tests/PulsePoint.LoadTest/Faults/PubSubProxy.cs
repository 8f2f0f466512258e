using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace PulsePoint.LoadTest.Faults;

/// <summary>
/// A loopback TCP relay between the silos and the Pub/Sub emulator, so the suite can take Pub/Sub "down"
/// (listener closed, open connections reset: the silos get connection refused) and bring it back without
/// restarting the emulator, which keeps topics, subscriptions and undelivered messages in memory only and
/// would forget them — a restart would lose messages the real service keeps, and the suite would measure
/// the emulator instead of PulsePoint.
/// </summary>
public sealed class PubSubProxy : IAsyncDisposable
{
    private readonly int _targetPort;
    private readonly ConcurrentDictionary<TcpClient, byte> _connections = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _accepting;

    public PubSubProxy(int targetPort)
    {
        _targetPort = targetPort;
    }

    /// <summary>The loopback port the silos are given as their emulator host (chosen by the OS at first start, kept after).</summary>
    public int Port { get; private set; }

    public bool IsUp => _listener is not null;

    public void Up()
    {
        if (_listener is not null)
        {
            return;
        }

        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _accepting = new CancellationTokenSource();
        _ = AcceptLoopAsync(listener, _accepting.Token);
    }

    public void Down()
    {
        _accepting?.Cancel();
        _listener?.Stop();
        _listener = null;
        foreach (var connection in _connections.Keys)
        {
            try
            {
                // Close(0): linger 0, so the peer gets a reset at once, as when a server process dies.
                connection.Client?.Close(0);
            }
            catch (ObjectDisposedException)
            {
                // Already closed by its relay.
            }

            connection.Dispose();
        }

        _connections.Clear();
    }

    public ValueTask DisposeAsync()
    {
        Down();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested || listener.Server is null)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(inbound, cancellationToken);
        }
    }

    private async Task RelayAsync(TcpClient inbound, CancellationToken cancellationToken)
    {
        var outbound = new TcpClient();
        _connections.TryAdd(inbound, 0);
        _connections.TryAdd(outbound, 0);
        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, _targetPort, cancellationToken);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, cancellationToken), b.CopyToAsync(a, cancellationToken));
        }
        catch (Exception)
        {
            // A reset or a closed side ends the relay; the other side is closed below.
        }
        finally
        {
            _connections.TryRemove(inbound, out _);
            _connections.TryRemove(outbound, out _);
            inbound.Dispose();
            outbound.Dispose();
        }
    }
}
