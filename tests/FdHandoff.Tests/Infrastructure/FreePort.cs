using System.Net;
using System.Net.Sockets;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// A port free on both 127.0.0.1 and [::1] right now, below the kernel's ephemeral range (32768-60999 by default).
/// Tests run side by side, and their clients open thousands of connections, each from an ephemeral port: a port
/// picked by bind(0), released, then bound by a supervisor a moment later could meanwhile be the local end of another
/// test's client connection. Ports handed out here come from a range no client is given, one after the other
/// from a random start (a second test run on the machine starts elsewhere), never twice in a run.
/// </summary>
public static class FreePort
{
    private const int First = 15000, Last = 32000;
    private static int _next = First + Random.Shared.Next(Last - First);

    public static int Next() => Find(SocketType.Stream, ProtocolType.Tcp, "TCP");

    /// <summary>A UDP port free on both 127.0.0.1 and [::1] right now.</summary>
    public static int NextUdp() => Find(SocketType.Dgram, ProtocolType.Udp, "UDP");

    private static int Find(SocketType type, ProtocolType protocol, string what)
    {
        for (int attempt = 0; attempt < Last - First; attempt++)
        {
            int port = First + (Interlocked.Increment(ref _next) - First) % (Last - First);
            if (Free(AddressFamily.InterNetwork, IPAddress.Loopback, port, type, protocol)
                && Free(AddressFamily.InterNetworkV6, IPAddress.IPv6Loopback, port, type, protocol))
                return port;
        }
        throw new InvalidOperationException($"no {what} port free on both 127.0.0.1 and [::1] in {First}-{Last}");
    }

    private static bool Free(AddressFamily family, IPAddress address, int port, SocketType type, ProtocolType protocol)
    {
        using var socket = new Socket(family, type, protocol);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
