using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>One round trip to an echo listener.</summary>
public static class Echo
{
    public static async Task<string> RoundTripAsync(IPEndPoint endpoint, string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
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
