using System.Runtime.InteropServices;
using FdHandoff.Interop;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Sockets;

/// <summary>
/// sendmsg(2) of one datagram to an address on an unconnected AF_UNIX SOCK_DGRAM socket, optionally
/// carrying descriptors (SCM_RIGHTS). Sending to the address each time, rather than connecting once,
/// keeps working when the receiver (journald, systemd) restarts and binds its socket anew.
/// </summary>
internal static class UnixDatagrams
{
    /// <summary>
    /// Sends <paramref name="data"/> with <paramref name="fds"/> attached and returns 0, or the errno
    /// the send failed with: the callers expect some failures (EMSGSIZE, ENOENT) and choose what
    /// each means, so nothing is thrown here. The descriptors stay owned by the caller; the receiver
    /// gets its own copies. Blocks while the receiver's queue is full, up to the socket's SO_SNDTIMEO.
    /// </summary>
    internal static unsafe int SendTo(SafeHandle socket, UnixSocketAddress address, ReadOnlySpan<byte> data, ReadOnlySpan<int> fds)
    {
        int controlLength = ScmRights.ControlSize(fds.Length, $"send to {address}");
        byte* control = stackalloc byte[Math.Max(controlLength, 1)];
        new Span<byte>(control, Math.Max(controlLength, 1)).Clear();
        ReadOnlySpan<byte> sockaddr = address.Sockaddr;
        fixed (byte* dataPtr = data)
        fixed (byte* namePtr = sockaddr)
        {
            var iov = new iovec { iov_base = dataPtr, iov_len = (nuint)data.Length };
            var msg = new msghdr
            {
                msg_name = namePtr,
                msg_namelen = (uint)sockaddr.Length,
                msg_iov = &iov,
                msg_iovlen = 1,
            };
            ScmRights.Attach(ref msg, control, fds);

            using var lease = new DescriptorLease(socket);
            while (true)
            {
                // A datagram is sent whole or not at all: no short sends to handle.
                if (sendmsg(lease.Fd, &msg, MSG_NOSIGNAL) >= 0) return 0;
                int errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR) return errno;
            }
        }
    }
}
