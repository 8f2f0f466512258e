using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace PulsePoint.Tests.Alerts;

/// <summary>
/// A real SMTP server in the test process (the SmtpServer library) on a loopback port: it speaks SMTP to MailKit
/// over TCP, requires AUTH with one user and password, and keeps every message it accepts, parsed with MimeKit.
/// Chosen over the smtp4dev tool because it needs no tool install or extra process on a fresh CI machine, and a
/// test can read what arrived directly.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<MimeKit.MimeMessage> _messages = new();
    private readonly ConcurrentQueue<(string User, string Password)> _logins = new();
    private Task _running = Task.CompletedTask;

    public int Port { get; private set; }

    public string User { get; } = "alerts";

    public string Password { get; } = "smtp-" + Guid.NewGuid().ToString("N");

    public IReadOnlyList<MimeKit.MimeMessage> Messages => _messages.ToArray();

    /// <summary>Every AUTH attempt, accepted or not.</summary>
    public IReadOnlyList<(string User, string Password)> Logins => _logins.ToArray();

    public static async Task<TestSmtpServer> StartAsync()
    {
        var server = new TestSmtpServer { Port = FreePort() };
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, server.Port)).AuthenticationRequired().AllowUnsecureAuthentication())
            .Build();
        var services = new ServiceProvider();
        services.Add(new Store(server._messages));
        services.Add(new Login(server));
        var smtp = new SmtpServer.SmtpServer(options, services);
        server._running = smtp.StartAsync(server._stop.Token);
        // Listening once a connection is accepted.
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, server.Port);
                break;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        return server;
    }

    public async Task<IReadOnlyList<MimeKit.MimeMessage>> WaitForAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (_messages.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(_messages.Count >= count, $"the SMTP server received {_messages.Count} message(s), expected at least {count}");
        return Messages;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Store(ConcurrentQueue<MimeKit.MimeMessage> messages) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            messages.Enqueue(await MimeKit.MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }

    private sealed class Login(TestSmtpServer server) : UserAuthenticator
    {
        public override Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken)
        {
            server._logins.Enqueue((user, password));
            return Task.FromResult(user == server.User && password == server.Password);
        }
    }
}
