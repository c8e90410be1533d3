using System.Runtime.InteropServices;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Interop;

/// <summary>
/// One datagram through sendmsg(2) or recvmsg(2) with its ancillary data: descriptors (SCM_RIGHTS, unix(7)) and,
/// on a socket with SO_PASSCRED, the sender's credentials (SCM_CREDENTIALS). The one place a struct msghdr is
/// built. EINTR is retried here; a received descriptor is CLOEXEC from the moment it exists (MSG_CMSG_CLOEXEC) and
/// owned by a <see cref="SafeFd"/> from the moment it is seen. Sent descriptors stay owned by the caller: the kernel
/// gives the receiver its own copies.
/// </summary>
internal static unsafe class SocketMessage
{
    /// <summary>The most descriptors one message may carry: the kernel's SCM_MAX_FD (include/net/scm.h).</summary>
    internal const int MaxDescriptors = SCM_MAX_FD;

    /// <summary>
    /// Refuses more descriptors than the kernel takes in one message, before any buffer is sized or syscall made:
    /// the kernel's own answer would be a bare EINVAL (as sd-daemon checks, so do we).
    /// </summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxDescriptors"/> descriptors.</exception>
    internal static void ThrowIfTooManyDescriptors(int count, string attempted)
    {
        if (count > MaxDescriptors)
            throw new ArgumentException($"Cannot {attempted}: {count} descriptors in one message, the kernel takes at most {MaxDescriptors}", "fds");
    }

    /// <summary>
    /// Sends <paramref name="data"/> with <paramref name="fds"/> on a connected socket without waiting
    /// (MSG_DONTWAIT, MSG_NOSIGNAL). False when the socket's buffer is full (EAGAIN): the caller waits for room.
    /// </summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxDescriptors"/> descriptors.</exception>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    /// <exception cref="NativeCallException">The send failed, or took only part of the datagram.</exception>
    internal static bool TrySend(SafeHandle socket, ReadOnlySpan<byte> data, ReadOnlySpan<int> fds, string attempted)
    {
        int errno = Send(socket, [], data, fds, MSG_DONTWAIT | MSG_NOSIGNAL, attempted, out nint sent);
        if (errno == EAGAIN) return false;
        if (errno != 0) throw new NativeCallException(attempted, errno);
        if (sent != data.Length) throw new NativeCallException(attempted + " (short send)", 0);
        return true;
    }

    /// <summary>
    /// Sends <paramref name="data"/> with <paramref name="fds"/> to <paramref name="address"/> (an encoded
    /// sockaddr) on an unconnected datagram socket, waiting while the receiver's queue is full up to the socket's
    /// SO_SNDTIMEO. Returns 0, or the errno the send failed with: callers expect some failures and choose what
    /// each means. A datagram is sent whole or not at all: there is no short send to report.
    /// </summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxDescriptors"/> descriptors.</exception>
    internal static int SendTo(SafeHandle socket, ReadOnlySpan<byte> address, ReadOnlySpan<byte> data, ReadOnlySpan<int> fds, string attempted) =>
        Send(socket, address, data, fds, MSG_NOSIGNAL, attempted, out _);

    /// <summary>
    /// Takes the next queued datagram into <paramref name="buffer"/> without waiting, with room for
    /// <paramref name="descriptors"/> descriptors and, with <paramref name="credentials"/>, the sender's
    /// SCM_CREDENTIALS. Null when nothing is queued (EAGAIN). On a connection, a datagram of length 0 without
    /// descriptors means the peer closed it.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    /// <exception cref="NativeCallException">The receive failed.</exception>
    internal static ReceivedMessage? TryReceive(SafeHandle socket, Span<byte> buffer, int descriptors, bool credentials, string attempted)
    {
        int controlLength = AncillaryData.ReceiveSpace(descriptors, credentials);
        byte* control = stackalloc byte[Math.Max(controlLength, 1)];
        new Span<byte>(control, Math.Max(controlLength, 1)).Clear();
        fixed (byte* dataPtr = buffer)
        {
            var iov = new iovec { iov_base = dataPtr, iov_len = (nuint)buffer.Length };
            var msg = new msghdr { msg_iov = &iov, msg_iovlen = 1, msg_control = control, msg_controllen = (nuint)controlLength };
            nint received;
            using (var lease = new DescriptorLease(socket))
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

            var fds = AncillaryData.Read(control, msg.msg_controllen, out var sender);
            return new ReceivedMessage((int)Math.Min(received, buffer.Length), (msg.msg_flags & MSG_TRUNC) != 0,
                (msg.msg_flags & MSG_CTRUNC) != 0, fds, sender);
        }
    }

    // Returns 0 or the errno, read right after the call: formatting a message first could overwrite it.
    private static int Send(SafeHandle socket, ReadOnlySpan<byte> address, ReadOnlySpan<byte> data, ReadOnlySpan<int> fds, int flags, string attempted, out nint sent)
    {
        ThrowIfTooManyDescriptors(fds.Length, attempted);
        int controlLength = AncillaryData.RightsSpace(fds.Length);
        byte* control = stackalloc byte[Math.Max(controlLength, 1)];
        new Span<byte>(control, Math.Max(controlLength, 1)).Clear();
        fixed (byte* dataPtr = data)
        fixed (byte* name = address)
        {
            var iov = new iovec { iov_base = dataPtr, iov_len = (nuint)data.Length };
            var msg = new msghdr { msg_name = name, msg_namelen = (uint)address.Length, msg_iov = &iov, msg_iovlen = 1 };
            if (fds.Length > 0)
            {
                AncillaryData.WriteRights(control, fds);
                msg.msg_control = control;
                msg.msg_controllen = (nuint)controlLength;
            }

            using var lease = new DescriptorLease(socket);
            while (true)
            {
                sent = sendmsg(lease.Fd, &msg, flags);
                if (sent >= 0) return 0;
                int errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR) return errno;
            }
        }
    }
}
