using System.Net.Sockets;
using FdHandoff.Interop;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Sockets;

/// <summary>
/// A connected pair of AF_UNIX stream sockets (socketpair(2)), both CLOEXEC: a conversation inside one
/// process over a real socket, reachable by no other process because it has no address.
/// </summary>
internal static class StreamSocketPair
{
    /// <summary>Creates the pair; the caller owns both sockets.</summary>
    public static unsafe (Socket First, Socket Second) Create()
    {
        int* fds = stackalloc int[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
            throw NativeCallException.FromLastError("create a socket pair");
        var first = new SafeFd(fds[0]);
        var second = new SafeFd(fds[1]);
        return (new Socket(new SafeSocketHandle(first.Release(), ownsHandle: true)),
                new Socket(new SafeSocketHandle(second.Release(), ownsHandle: true)));
    }
}
