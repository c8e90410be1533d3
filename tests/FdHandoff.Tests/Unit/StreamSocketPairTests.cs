using FdHandoff.Sockets;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Unit;

/// <summary>The socket pair a worker warms up over: connected both ways, CLOEXEC, and closed with its Sockets.</summary>
[Collection(nameof(SerialCollection))]
public sealed class StreamSocketPairTests
{
    private static int OpenFdCount() => Directory.GetFiles("/proc/self/fd").Length;

    [Fact]
    public void A_socket_pair_is_connected_both_ways_cloexec_and_leaves_no_descriptor_once_disposed()
    {
        int before = OpenFdCount();
        var (first, second) = StreamSocketPair.Create();
        using (first)
        using (second)
        {
            first.Send("ping"u8);
            second.Send("pong"u8);
            var buffer = new byte[4];

            Assert.Equal(4, second.Receive(buffer));
            Assert.Equal("ping"u8.ToArray(), buffer);
            Assert.Equal(4, first.Receive(buffer));
            Assert.Equal("pong"u8.ToArray(), buffer);
            Assert.True(SocketProbe.IsCloseOnExec((int)first.Handle));
            Assert.True(SocketProbe.IsCloseOnExec((int)second.Handle));
            Assert.Equal(1, SocketProbe.Type(first.SafeHandle)); // SOCK_STREAM
            Assert.Equal(1, SocketProbe.Domain(first.SafeHandle)); // AF_UNIX
        }
        Assert.Equal(before, OpenFdCount());
    }
}
