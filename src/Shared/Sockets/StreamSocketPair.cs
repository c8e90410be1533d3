using System.Net.Sockets;
using FdHandoff.Interop;

namespace FdHandoff.Sockets;

/// <summary>
/// A connected pair of AF_UNIX stream sockets (socketpair(2)), both CLOEXEC: a conversation inside one
/// process over a real socket, reachable by no other process because it has no address.
/// </summary>
internal static class StreamSocketPair
{
    /// <summary>Creates the pair; the caller owns both sockets.</summary>
    public static (Socket First, Socket Second) Create()
    {
        var (first, second) = NativeSocket.OpenPair(SocketType.Stream, "create a socket pair");
        using (first)
        using (second)
        {
            // Each descriptor goes from its SafeFd to a SafeSocketHandle, then to its Socket; until then, disposing the
            // SafeFds (on a throw) closes whatever was not handed on yet.
            var a = new SafeSocketHandle(first.Release(), ownsHandle: true);
            var b = new SafeSocketHandle(second.Release(), ownsHandle: true);
            try
            {
                return (new Socket(a), new Socket(b));
            }
            catch
            {
                a.Dispose();
                b.Dispose();
                throw;
            }
        }
    }
}
