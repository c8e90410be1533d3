using System.Net.Sockets;
using System.Runtime.InteropServices;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Interop;

/// <summary>
/// socket(2), socketpair(2), bind(2) and listen(2), for the sockets <see cref="Socket"/> cannot make itself: SCTP
/// and MPTCP listeners, a unix listener whose file mode is set between bind and listen, a connected pair, the
/// unbound datagram clients of journald and the notify socket. Every descriptor made here is CLOEXEC from its
/// creation (SOCK_CLOEXEC) and starts its life owned by a <see cref="SafeFd"/>, which the caller gets.
/// </summary>
internal static class NativeSocket
{
    /// <summary>A new socket in <paramref name="opened"/> and 0, or null and the errno.</summary>
    /// <param name="protocol">0 for the family's default, or one of the <see cref="SocketNumbers"/> protocols.</param>
    internal static int TryOpen(AddressFamily family, SocketType type, int protocol, out SafeFd? opened)
    {
        int fd = socket(SocketNumbers.Of(family), SocketNumbers.Of(type) | SOCK_CLOEXEC, protocol);
        if (fd < 0)
        {
            opened = null;
            return Marshal.GetLastPInvokeError();
        }
        opened = new SafeFd(fd);
        return 0;
    }

    /// <summary>A new socket of the family's default protocol.</summary>
    /// <exception cref="NativeCallException">None could be made (out of descriptors).</exception>
    internal static SafeFd Open(AddressFamily family, SocketType type, string attempted)
    {
        int errno = TryOpen(family, type, 0, out var opened);
        return errno == 0 ? opened! : throw new NativeCallException(attempted, errno);
    }

    /// <summary>Two connected AF_UNIX sockets with no address: reachable by no other process.</summary>
    /// <exception cref="NativeCallException">None could be made (out of descriptors).</exception>
    internal static unsafe (SafeFd First, SafeFd Second) OpenPair(SocketType type, string attempted)
    {
        int* fds = stackalloc int[2];
        if (socketpair(AF_UNIX, SocketNumbers.Of(type) | SOCK_CLOEXEC, 0, fds) != 0)
            throw NativeCallException.FromLastError(attempted);
        return (new SafeFd(fds[0]), new SafeFd(fds[1]));
    }

    /// <summary>Binds to <paramref name="sockaddr"/>, an encoded struct sockaddr of exactly its length; 0, or the errno.</summary>
    internal static unsafe int TryBind(SafeHandle socket, ReadOnlySpan<byte> sockaddr)
    {
        using var lease = new DescriptorLease(socket);
        fixed (byte* p = sockaddr)
            return bind(lease.Fd, p, (uint)sockaddr.Length) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Starts listening with <paramref name="backlog"/> (also to change the backlog of a listener); 0, or the errno.</summary>
    internal static int TryListen(SafeHandle socket, int backlog)
    {
        using var lease = new DescriptorLease(socket);
        return listen(lease.Fd, backlog) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
