using System.Runtime.InteropServices;
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
        if (fds.Length > SCM_MAX_FD)
            throw new ArgumentException($"{fds.Length} descriptors in one message to {address}; the kernel takes at most {SCM_MAX_FD}", nameof(fds));

        int controlLength = fds.Length == 0 ? 0 : CMSG_SPACE(fds.Length * sizeof(int));
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
            if (fds.Length > 0)
            {
                var header = (cmsghdr*)control;
                header->cmsg_len = (nuint)CMSG_LEN(fds.Length * sizeof(int));
                header->cmsg_level = SOL_SOCKET;
                header->cmsg_type = SCM_RIGHTS;
                fds.CopyTo(new Span<int>(control + CMSG_ALIGN(sizeof(cmsghdr)), fds.Length));
                msg.msg_control = control;
                msg.msg_controllen = (nuint)controlLength;
            }

            bool added = false;
            socket.DangerousAddRef(ref added);
            try
            {
                int fd = (int)socket.DangerousGetHandle();
                while (true)
                {
                    // A datagram is sent whole or not at all: no short sends to handle.
                    if (sendmsg(fd, &msg, MSG_NOSIGNAL) >= 0) return 0;
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno != EINTR) return errno;
                }
            }
            finally
            {
                if (added) socket.DangerousRelease();
            }
        }
    }
}
