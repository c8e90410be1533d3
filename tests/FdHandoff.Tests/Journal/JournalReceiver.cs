using System.Net.Sockets;
using FdHandoff.Sockets;

namespace FdHandoff.Tests.Journal;

/// <summary>
/// Plays journald in tests: an AF_UNIX SOCK_DGRAM socket bound at a temporary path that receives
/// entries, reading an entry from the memfd when one rides on an empty datagram.
/// </summary>
internal sealed class JournalReceiver : IDisposable
{
    private readonly string _directory;
    private Socket _socket;

    public JournalReceiver()
    {
        _directory = Directory.CreateTempSubdirectory("fdhandoff-journal-").FullName;
        Path = System.IO.Path.Combine(_directory, "socket");
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
    }

    public string Path { get; }

    /// <summary>Goes away as journald does when it stops: the socket is closed, its file stays behind.</summary>
    public void Stop() => _socket.Dispose();

    /// <summary>Comes back as a restarted journald does: a new socket bound at the same path.</summary>
    public void Start()
    {
        File.Delete(Path);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
    }

    /// <summary>Waits for the next datagram; its descriptors are the caller's to dispose.</summary>
    public ReceivedDatagram ReceiveDatagram()
    {
        Assert.True(Readiness.WaitReadable(_socket, TimeSpan.FromSeconds(10)), "no datagram arrived within 10 s");
        var datagram = FdPassing.TryReceive(_socket, 512 * 1024, "receive a journal entry");
        Assert.NotNull(datagram);
        Assert.False(datagram.Truncated);
        return datagram;
    }

    /// <summary>Waits for the next entry and parses it, from the datagram or from its memfd.</summary>
    public JournalFields Receive()
    {
        using var datagram = ReceiveDatagram();
        if (datagram.DescriptorCount == 0) return JournalFields.Parse(datagram.Data);
        Assert.Empty(datagram.Data);
        var fds = datagram.TakeDescriptors();
        try
        {
            return JournalFields.Parse(MemfdContent.Read(Assert.Single(fds)));
        }
        finally
        {
            foreach (var fd in fds) fd.Dispose();
        }
    }

    /// <summary>True when nothing more is queued.</summary>
    public bool IsEmpty => !Readiness.WaitReadable(_socket, TimeSpan.Zero);

    public void Dispose()
    {
        _socket.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
