using System.Net;
using System.Net.Sockets;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>A TCP port free on both 127.0.0.1 and [::1] right now.</summary>
public static class FreePort
{
    public static int Next()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            using var v4 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            v4.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)v4.LocalEndPoint!).Port;
            try
            {
                using var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
                v6.Bind(new IPEndPoint(IPAddress.IPv6Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no port free on both 127.0.0.1 and [::1]");
    }

    /// <summary>A UDP port free on both 127.0.0.1 and [::1] right now.</summary>
    public static int NextUdp()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            using var v4 = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            v4.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)v4.LocalEndPoint!).Port;
            try
            {
                using var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
                v6.Bind(new IPEndPoint(IPAddress.IPv6Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no UDP port free on both 127.0.0.1 and [::1]");
    }
}
