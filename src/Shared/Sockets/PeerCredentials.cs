using System.Net.Sockets;
using FdHandoff.Interop;

namespace FdHandoff.Sockets;

/// <summary>Who is on the other end of a connected AF_UNIX socket, as the kernel saw it at connect().</summary>
internal readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid)
{
    /// <exception cref="NativeCallException">Not a connected unix socket.</exception>
    public static PeerCredentials Of(Socket socket)
    {
        var (pid, uid, gid) = SocketOptions.PeerCredentials(socket.SafeHandle, "read SO_PEERCRED of a control connection");
        return new PeerCredentials(pid, uid, gid);
    }

    /// <summary>
    /// The peer's supplementary groups as the kernel recorded them at connect() (SO_PEERGROUPS).
    /// </summary>
    /// <exception cref="NativeCallException">Not a connected unix socket.</exception>
    public static uint[] GroupsOf(Socket socket) =>
        SocketOptions.PeerGroups(socket.SafeHandle, "read SO_PEERGROUPS of a control connection");

    public override string ToString() => $"pid {Pid} uid {Uid}";
}
