using System.Net;
using System.Net.Sockets;

namespace PulsePoint.Alerts;

/// <summary>
/// Keeps a tenant's channel from pointing the silo at its own network (loopback, private ranges, link-local such as
/// a cloud's metadata service, and the like). The check is made on the address actually connected to, after name
/// resolution, so a name that resolves differently later (DNS rebinding) cannot slip past a check made earlier.
/// </summary>
public static class PublicNetworkGuard
{
    /// <summary>Whether <paramref name="address"/> is on the public internet.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] >= 224
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                || (b[0] == 198 && (b[1] == 18 || b[1] == 19)));
        }

        var v6 = address.GetAddressBytes();
        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (v6[0] & 0xFE) == 0xFC);
    }

    /// <summary>
    /// Connects a TCP socket to <paramref name="host"/>:<paramref name="port"/>, refusing non-public addresses unless
    /// <paramref name="allowPrivate"/>.
    /// </summary>
    /// <exception cref="AlertSendException">Every address of the host is refused, or none answers.</exception>
    public static async Task<Socket> ConnectAsync(string host, int port, bool allowPrivate, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = allowPrivate ? addresses : addresses.Where(IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            throw new AlertSendException(addresses.Length == 0
                ? $"{host} does not resolve"
                : $"{host} resolves to a non-public address, which tenant channels may not use (PulsePoint:Alerts:AllowPrivateNetworks)");
        }

        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
        }

        throw new AlertSendException($"cannot connect to {host}:{port}: {last?.Message}");
    }
}
