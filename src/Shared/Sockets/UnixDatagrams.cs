using System.Runtime.InteropServices;
using FdHandoff.Interop;

namespace FdHandoff.Sockets;

/// <summary>
/// One datagram to an address on an unconnected AF_UNIX SOCK_DGRAM socket, optionally carrying descriptors
/// (SCM_RIGHTS). Sending to the address each time, rather than connecting once, keeps working when the
/// receiver (journald, systemd) restarts and binds its socket anew.
/// </summary>
internal static class UnixDatagrams
{
    /// <summary>
    /// Sends <paramref name="data"/> with <paramref name="fds"/> attached and returns 0, or the errno
    /// the send failed with: the callers expect some failures (EMSGSIZE, ENOENT) and choose what
    /// each means, so nothing is thrown here. The descriptors stay owned by the caller; the receiver
    /// gets its own copies. Blocks while the receiver's queue is full, up to the socket's SO_SNDTIMEO.
    /// </summary>
    /// <exception cref="ArgumentException">More than SCM_MAX_FD descriptors.</exception>
    internal static int SendTo(SafeHandle socket, UnixSocketAddress address, ReadOnlySpan<byte> data, ReadOnlySpan<int> fds) =>
        SocketMessage.SendTo(socket, address.Sockaddr, data, fds, $"send to {address}");
}
