using System.Net.Sockets;
using FdHandoff.Interop;
using FdHandoff.Sockets;

namespace FdHandoff.Logging;

/// <summary>
/// The client end of journald's native socket: an unbound AF_UNIX SOCK_DGRAM socket (CLOEXEC, so
/// workers do not inherit it) that sends each entry to the journal's address. Entries larger than a
/// datagram go through a sealed memfd, as sd_journal_sendv does. Never throws on a failed send:
/// it reports a <see cref="JournalSendResult"/> and the errno.
/// </summary>
internal sealed class JournalSocket : IDisposable
{
    /// <summary>Where journald listens for native-protocol entries.</summary>
    public const string DefaultPath = "/run/systemd/journal/socket";

    private readonly SafeFd _socket;
    private readonly UnixSocketAddress _address;

    /// <param name="path">The journal socket's path.</param>
    /// <param name="sendTimeout">
    /// How long one send may wait while journald's queue is full before the entry is dropped: logging
    /// slows down with a busy journald but must not hang the service behind a stuck one.
    /// </param>
    /// <exception cref="NativeCallException">No socket could be created (out of descriptors).</exception>
    public JournalSocket(string path, TimeSpan sendTimeout)
    {
        _address = UnixSocketAddress.Parse(path);
        _socket = NativeSocket.Open(AddressFamily.Unix, SocketType.Dgram, $"create a socket for the journal at {path}");
        int errno = SocketOptions.TrySetSendTimeout(_socket, sendTimeout);
        if (errno != 0)
        {
            _socket.Dispose();
            throw new NativeCallException($"set a send timeout on the socket for the journal at {path}", errno);
        }
    }

    /// <summary>The journal socket's path.</summary>
    public string Path => _address.Text;

    /// <summary>The client socket itself, still owned by this object (for tests that inspect its flags).</summary>
    internal SafeFd Handle => _socket;

    /// <summary>Sends one serialized entry; <paramref name="errno"/> is 0 unless the result is a failure.</summary>
    public JournalSendResult Send(ReadOnlySpan<byte> entry, out int errno)
    {
        errno = UnixDatagrams.SendTo(_socket, _address, entry, []);
        if (errno == 0) return JournalSendResult.Sent;
        // EMSGSIZE: larger than the socket's send buffer allows; ENOBUFS: the kernel could not get
        // memory for one skb that large. Both are what sd_journal_sendv answers with a memfd.
        if (errno is UnixError.MessageSize or UnixError.NoBufferSpaceAvailable)
        {
            errno = SendAsMemfd(entry);
            return errno == 0 ? JournalSendResult.SentAsMemfd : Classify(errno);
        }
        return Classify(errno);
    }

    private static JournalSendResult Classify(int errno) =>
        errno is UnixError.NoSuchFile or UnixError.ConnectionRefused ? JournalSendResult.Unreachable : JournalSendResult.Failed;

    // journald only reads a memfd that nobody can change any more, hence a sealed one.
    private int SendAsMemfd(ReadOnlySpan<byte> entry)
    {
        int errno = SealedMemoryFile.TryCreate("journal-entry", entry, out var memfd);
        if (errno != 0) return errno;
        using (memfd) // ours until closed here; journald gets its own copy
        {
            // The datagram itself is empty: journald reads the whole entry from the descriptor.
            return UnixDatagrams.SendTo(_socket, _address, [], [memfd!.Value]);
        }
    }

    public void Dispose() => _socket.Dispose();
}
