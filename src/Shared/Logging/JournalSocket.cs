using System.Runtime.InteropServices;
using FdHandoff.Interop;
using FdHandoff.Sockets;
using static FdHandoff.Interop.Libc;

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
    public unsafe JournalSocket(string path, TimeSpan sendTimeout)
    {
        _address = UnixSocketAddress.Parse(path);
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) throw NativeCallException.FromLastError($"create a socket for the journal at {path}");
        _socket = new SafeFd(fd);

        long micros = Math.Max(1, (long)(sendTimeout.Ticks / TimeSpan.TicksPerMicrosecond));
        var timeout = new timeval { tv_sec = micros / 1_000_000, tv_usec = micros % 1_000_000 };
        if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, (uint)sizeof(timeval)) != 0)
        {
            var error = NativeCallException.FromLastError($"set a send timeout on the socket for the journal at {path}");
            _socket.Dispose();
            throw error;
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
        if (errno is EMSGSIZE or ENOBUFS)
        {
            errno = SendAsMemfd(entry);
            return errno == 0 ? JournalSendResult.SentAsMemfd : Classify(errno);
        }
        return Classify(errno);
    }

    private static JournalSendResult Classify(int errno) =>
        errno is ENOENT or ECONNREFUSED ? JournalSendResult.Unreachable : JournalSendResult.Failed;

    // journald only reads a memfd that nobody can change any more, hence the seals.
    private unsafe int SendAsMemfd(ReadOnlySpan<byte> entry)
    {
        int fd = memfd_create("journal-entry", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0) return Marshal.GetLastPInvokeError();
        using var memfd = new SafeFd(fd); // ours until closed below; journald gets its own copy
        fixed (byte* start = entry)
        {
            for (int offset = 0; offset < entry.Length;)
            {
                nint written = write(fd, start + offset, (nuint)(entry.Length - offset));
                if (written < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == EINTR) continue;
                    return errno;
                }
                offset += (int)written;
            }
        }
        if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
            return Marshal.GetLastPInvokeError();
        // The datagram itself is empty: journald reads the whole entry from the descriptor.
        return UnixDatagrams.SendTo(_socket, _address, [], [fd]);
    }

    public void Dispose() => _socket.Dispose();
}
