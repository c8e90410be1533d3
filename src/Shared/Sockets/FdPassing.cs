using System.Net.Sockets;
using System.Runtime.InteropServices;
using FdHandoff.Interop;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Sockets;

/// <summary>
/// sendmsg/recvmsg with SCM_RIGHTS on a connected AF_UNIX socket: passes a descriptor itself,
/// not its contents. Both directions are non-blocking (MSG_DONTWAIT); callers wait for readiness.
/// </summary>
internal static class FdPassing
{
    /// <summary>Largest number of descriptors one message may carry (the kernel's SCM_MAX_FD).</summary>
    public const int MaxDescriptorsPerMessage = SCM_MAX_FD;

    /// <summary>
    /// Sends one datagram with <paramref name="fds"/> attached. The descriptors stay owned by the caller:
    /// the receiver gets its own copies. Returns false when the socket buffer is full (EAGAIN).
    /// </summary>
    public static unsafe bool TrySend(Socket socket, ReadOnlySpan<byte> data, ReadOnlySpan<int> fds, string attempted)
    {
        int controlLength = ScmRights.ControlSize(fds.Length, attempted);
        byte* control = stackalloc byte[Math.Max(controlLength, 1)];
        new Span<byte>(control, Math.Max(controlLength, 1)).Clear();
        fixed (byte* dataPtr = data)
        {
            var iov = new iovec { iov_base = dataPtr, iov_len = (nuint)data.Length };
            var msg = new msghdr { msg_iov = &iov, msg_iovlen = 1 };
            ScmRights.Attach(ref msg, control, fds);

            using var lease = new DescriptorLease(socket.SafeHandle);
            while (true)
            {
                nint sent = sendmsg(lease.Fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
                if (sent >= 0)
                {
                    if (sent != data.Length) throw new NativeCallException(attempted + " (short send)", 0);
                    return true;
                }
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR) continue;
                if (errno == EAGAIN) return false;
                throw new NativeCallException(attempted, errno);
            }
        }
    }

    /// <summary>
    /// Receives one datagram of at most <paramref name="maxLength"/> bytes and every descriptor on it,
    /// each already CLOEXEC (MSG_CMSG_CLOEXEC). Returns null when nothing is queued (EAGAIN);
    /// a datagram of length 0 means the peer closed the connection.
    /// </summary>
    public static ReceivedDatagram? TryReceive(Socket socket, int maxLength, string attempted) =>
        TryReceive(socket, new byte[maxLength], attempted);

    /// <summary>
    /// As <see cref="TryReceive(Socket, int, string)"/>, into <paramref name="buffer"/>, which the caller reuses
    /// from one datagram to the next (the datagram keeps a copy of just its bytes): a receiver of many small
    /// messages allocates no 64 KiB buffer for each.
    /// </summary>
    public static unsafe ReceivedDatagram? TryReceive(Socket socket, byte[] buffer, string attempted)
    {
        int controlLength = CMSG_SPACE(SCM_MAX_FD * sizeof(int));
        byte* control = stackalloc byte[controlLength];
        new Span<byte>(control, controlLength).Clear();
        fixed (byte* dataPtr = buffer)
        {
            var iov = new iovec { iov_base = dataPtr, iov_len = (nuint)buffer.Length };
            var msg = new msghdr { msg_iov = &iov, msg_iovlen = 1, msg_control = control, msg_controllen = (nuint)controlLength };

            nint received;
            using (var lease = new DescriptorLease(socket.SafeHandle))
            {
                while (true)
                {
                    received = recvmsg(lease.Fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
                    if (received >= 0) break;
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == EINTR) continue;
                    if (errno == EAGAIN) return null;
                    throw new NativeCallException(attempted, errno);
                }
            }

            var fds = CollectDescriptors(&msg);
            int length = (int)Math.Min(received, buffer.Length);
            return new ReceivedDatagram(buffer.AsSpan(0, length).ToArray(), fds,
                truncated: (msg.msg_flags & MSG_TRUNC) != 0,
                controlTruncated: (msg.msg_flags & MSG_CTRUNC) != 0);
        }
    }

    // Walks every control message (a sender may split its descriptors over several) and takes
    // ownership of each SCM_RIGHTS descriptor at once, so none can leak whatever the caller does next.
    private static unsafe SafeFd[] CollectDescriptors(msghdr* msg)
    {
        var fds = new List<SafeFd>();
        byte* start = (byte*)msg->msg_control;
        byte* end = start + (long)msg->msg_controllen;
        int headerSize = CMSG_ALIGN(sizeof(cmsghdr));
        for (byte* p = start; p + headerSize <= end;)
        {
            var header = (cmsghdr*)p;
            long length = (long)header->cmsg_len;
            if (length < headerSize || p + length > end) break;
            if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS)
            {
                int count = (int)((length - headerSize) / sizeof(int));
                int* data = (int*)(p + headerSize);
                for (int i = 0; i < count; i++) fds.Add(new SafeFd(data[i]));
            }
            p += CMSG_ALIGN((int)length);
        }
        return fds.ToArray();
    }
}
