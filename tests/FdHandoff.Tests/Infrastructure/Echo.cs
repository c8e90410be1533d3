using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>One round trip to an echo listener.</summary>
public static class Echo
{
    public static Task<string> RoundTripAsync(IPEndPoint endpoint, string text) => RoundTripAsync(endpoint, text, null);

    /// <summary>One round trip to any stream endpoint (a unix socket too), on a socket from <paramref name="newSocket"/> when given.</summary>
    public static async Task<string> RoundTripAsync(EndPoint endpoint, string text, Func<Socket>? newSocket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = newSocket?.Invoke() ?? (endpoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        await socket.ConnectAsync(endpoint, timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), SocketFlags.None, timeout.Token);
        socket.Shutdown(SocketShutdown.Send);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0) received.Write(buffer, 0, n);
        return Encoding.UTF8.GetString(received.ToArray());
    }
}
