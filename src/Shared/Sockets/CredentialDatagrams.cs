using System.Net.Sockets;
using System.Runtime.InteropServices;
using FdHandoff.Interop;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Sockets;

/// <summary>
/// A bound AF_UNIX SOCK_DGRAM socket that learns who sent each datagram (SO_PASSCRED, SCM_CREDENTIALS):
/// what systemd's notify socket is, and how it attributes READY=1 to a pid. The kernel fills in the
/// credentials of the sending process; a sender cannot claim another pid without CAP_SYS_ADMIN.
/// </summary>
internal static class CredentialDatagrams
{
    /// <summary>Binds a datagram socket at <paramref name="path"/> (replacing a stale file) with SO_PASSCRED on.
    /// The caller owns the returned socket (CLOEXEC, as every .NET socket).</summary>
    public static unsafe Socket Bind(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            int on = 1;
            using (var lease = new DescriptorLease(socket.SafeHandle))
            {
                if (setsockopt(lease.Fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(int)) != 0)
                    throw NativeCallException.FromLastError($"set SO_PASSCRED on the notify socket {path}");
            }
            File.Delete(path);
            socket.Bind(new UnixDomainSocketEndPoint(path));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Takes the next queued datagram into <paramref name="buffer"/> without waiting; null when none is
    /// queued. A datagram larger than the buffer is cut (<see cref="CredentialDatagram.Truncated"/>);
    /// descriptors a sender attached are closed at once: nobody asked for them.
    /// </summary>
    public static unsafe CredentialDatagram? TryReceive(Socket socket, byte[] buffer)
    {
        // Room for one ucred and some SCM_RIGHTS (closed below); the kernel truncates the rest (MSG_CTRUNC closes them).
        int controlLength = CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(16 * sizeof(int));
        byte* control = stackalloc byte[controlLength];
        new Span<byte>(control, controlLength).Clear();
        fixed (byte* data = buffer)
        {
            var iov = new iovec { iov_base = data, iov_len = (nuint)buffer.Length };
            var msg = new msghdr { msg_iov = &iov, msg_iovlen = 1, msg_control = control, msg_controllen = (nuint)controlLength };
            nint received;
            using (var lease = new DescriptorLease(socket.SafeHandle))
            {
                while (true)
                {
                    received = recvmsg(lease.Fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
                    if (received >= 0) break;
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == EINTR) continue;
                    if (errno == EAGAIN) return null;
                    throw new NativeCallException("receive from the notify socket", errno);
                }
            }

            PeerCredentials? sender = null;
            int closed = 0;
            int headerSize = CMSG_ALIGN(sizeof(cmsghdr));
            byte* end = control + (long)msg.msg_controllen;
            for (byte* p = control; p + headerSize <= end;)
            {
                var header = (cmsghdr*)p;
                long length = (long)header->cmsg_len;
                if (length < headerSize || p + length > end) break;
                if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_CREDENTIALS && length >= headerSize + sizeof(ucred))
                {
                    var cred = *(ucred*)(p + headerSize);
                    sender = new PeerCredentials(cred.pid, cred.uid, cred.gid);
                }
                else if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS)
                {
                    int count = (int)((length - headerSize) / sizeof(int));
                    for (int i = 0; i < count; i++, closed++) close(((int*)(p + headerSize))[i]);
                }
                p += CMSG_ALIGN((int)length);
            }
            return new CredentialDatagram((int)Math.Min(received, buffer.Length), sender, received > buffer.Length, closed);
        }
    }
}
