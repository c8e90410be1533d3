using System.Net.Sockets;
using System.Text;
using FdHandoff.Sockets;

namespace FdHandoff.Tests.Systemd;

/// <summary>Plays systemd's notify socket: a bound AF_UNIX SOCK_DGRAM socket, at a temporary path or an abstract name.</summary>
internal sealed class NotifyReceiver : IDisposable
{
    private readonly string? _directory;
    private readonly Socket _socket;

    public NotifyReceiver(bool abstractName = false)
    {
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        if (abstractName)
        {
            string name = "fdhandoff-notify-test-" + Guid.NewGuid().ToString("N");
            Address = "@" + name;
            _socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
        }
        else
        {
            _directory = Directory.CreateTempSubdirectory("fdhandoff-notify-").FullName;
            Address = Path.Combine(_directory, "notify");
            _socket.Bind(new UnixDomainSocketEndPoint(Address));
        }
    }

    /// <summary>The address as systemd would put it in NOTIFY_SOCKET.</summary>
    public string Address { get; }

    /// <summary>Waits for the next message; its descriptors are the caller's to dispose.</summary>
    public ReceivedDatagram Receive()
    {
        Assert.True(Readiness.WaitReadable(_socket, TimeSpan.FromSeconds(10)), "no notification arrived within 10 s");
        var datagram = FdPassing.TryReceive(_socket, 4096, "receive a notification");
        Assert.NotNull(datagram);
        return datagram;
    }

    /// <summary>The next message if one is queued now, else null; descriptors on it are closed.</summary>
    public string? TryReceiveText()
    {
        using var datagram = FdPassing.TryReceive(_socket, 4096, "receive a notification");
        return datagram is null ? null : Encoding.UTF8.GetString(datagram.Data);
    }

    /// <summary>The next message if one arrives within <paramref name="timeout"/>, else null; descriptors on it are closed.</summary>
    public string? ReceiveTextWithin(TimeSpan timeout) =>
        Readiness.WaitReadable(_socket, timeout) ? TryReceiveText() : null;

    public string ReceiveText()
    {
        using var datagram = Receive();
        Assert.Equal(0, datagram.DescriptorCount);
        return Encoding.UTF8.GetString(datagram.Data);
    }

    public void Dispose()
    {
        _socket.Dispose();
        if (_directory is not null) Directory.Delete(_directory, recursive: true);
    }
}
