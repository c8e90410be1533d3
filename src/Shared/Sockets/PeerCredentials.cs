using System.Net.Sockets;
using FdHandoff.Interop;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Sockets;

/// <summary>Who is on the other end of a connected AF_UNIX socket, as the kernel saw it at connect().</summary>
public readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid)
{
    public static unsafe PeerCredentials Of(Socket socket)
    {
        ucred cred;
        uint length = (uint)sizeof(ucred);
        if (getsockopt((int)socket.SafeHandle.DangerousGetHandle(), SOL_SOCKET, SO_PEERCRED, &cred, ref length) != 0)
            throw NativeCallException.FromLastError("read SO_PEERCRED of a control connection");
        return new PeerCredentials(cred.pid, cred.uid, cred.gid);
    }

    public override string ToString() => $"pid {Pid} uid {Uid}";
}
