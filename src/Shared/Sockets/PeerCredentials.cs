using System.Net.Sockets;
using System.Runtime.InteropServices;
using FdHandoff.Interop;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Sockets;

/// <summary>Who is on the other end of a connected AF_UNIX socket, as the kernel saw it at connect().</summary>
internal readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid)
{
    public static unsafe PeerCredentials Of(Socket socket)
    {
        using var lease = new DescriptorLease(socket.SafeHandle);
        ucred cred;
        uint length = (uint)sizeof(ucred);
        if (getsockopt(lease.Fd, SOL_SOCKET, SO_PEERCRED, &cred, ref length) != 0)
            throw NativeCallException.FromLastError("read SO_PEERCRED of a control connection");
        return new PeerCredentials(cred.pid, cred.uid, cred.gid);
    }

    /// <summary>
    /// The peer's supplementary groups as the kernel recorded them at connect() (SO_PEERGROUPS).
    /// </summary>
    public static unsafe uint[] GroupsOf(Socket socket)
    {
        using var lease = new DescriptorLease(socket.SafeHandle);
        // NGROUPS_MAX is 65536; ask with a small buffer first, the kernel says how much it needs (ERANGE).
        uint count = 64;
        while (true)
        {
            var groups = new uint[count];
            uint length = count * sizeof(uint);
            fixed (uint* buffer = groups)
            {
                if (getsockopt(lease.Fd, SOL_SOCKET, SO_PEERGROUPS, buffer, ref length) == 0)
                    return groups[..(int)(length / sizeof(uint))];
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno != ERANGE || length / sizeof(uint) <= count)
                throw new NativeCallException("read SO_PEERGROUPS of a control connection", errno);
            count = length / sizeof(uint);
        }
    }

    public override string ToString() => $"pid {Pid} uid {Uid}";
}
